-- Every pgvector operation Lookalike uses, once: run by `scripts/pg/pg.sh start` so a pgvector build
-- that cannot run on this CPU (SIGILL in a distance function) fails the start, not the tests.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- Casts and distances, vector and halfvec, short and of the product's length (2,736 dimensions).
SELECT array_fill(0.5::real, ARRAY[64])::vector <=> array_fill(0.25::real, ARRAY[64])::vector AS vector_cosine_64;
SELECT array_fill(0.5::real, ARRAY[2736])::vector <=> array_fill(0.25::real, ARRAY[2736])::vector AS vector_cosine;
SELECT array_fill(0.5::real, ARRAY[2736])::vector <-> array_fill(0.25::real, ARRAY[2736])::vector AS vector_l2;
SELECT array_fill(0.5::real, ARRAY[2736])::halfvec <=> array_fill(0.25::real, ARRAY[2736])::halfvec AS halfvec_cosine;
SELECT array_fill(0.5::real, ARRAY[2736])::halfvec <-> array_fill(0.25::real, ARRAY[2736])::halfvec AS halfvec_l2;
SELECT length(halfvec_send(array_fill(0.5::real, ARRAY[2736])::halfvec)) AS halfvec_send_bytes;
-- An HNSW index over halfvec (build and scan) and a filtered iterative scan, as the catalog uses them
-- (on a primary: a standby cannot create tables).
SELECT NOT pg_is_in_recovery() AS writable \gset
\if :writable
CREATE TEMP TABLE smoke (id int, embedding halfvec NOT NULL, attributes jsonb NOT NULL);
INSERT INTO smoke
  SELECT i, (SELECT array_agg(sin(i * j)::real) FROM generate_series(1, 2736) j)::halfvec,
         jsonb_build_object('k', (i % 3)::text)
  FROM generate_series(1, 300) i;
CREATE INDEX smoke_hnsw ON smoke USING hnsw ((embedding::halfvec(2736)) halfvec_cosine_ops);
SET enable_seqscan = off;
SET hnsw.ef_search = 40;
SET hnsw.iterative_scan = relaxed_order;
DO $$
DECLARE found int;
BEGIN
  SELECT count(*) INTO found FROM (
    SELECT id FROM smoke WHERE attributes @> jsonb_build_object('k', '1')
    ORDER BY embedding::halfvec(2736) <=> (SELECT embedding FROM smoke WHERE id = 7)::halfvec(2736) LIMIT 5) t;
  IF found <> 5 THEN RAISE EXCEPTION 'the filtered HNSW scan found % rows, not 5', found; END IF;
END $$;
\endif
