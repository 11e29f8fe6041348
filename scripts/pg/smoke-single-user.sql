CREATE EXTENSION IF NOT EXISTS vector;

SELECT array_fill(0.5::real, ARRAY[2736])::vector <=> array_fill(0.25::real, ARRAY[2736])::vector AS vector_cosine;

SELECT array_fill(0.5::real, ARRAY[2736])::vector <-> array_fill(0.25::real, ARRAY[2736])::vector AS vector_l2;

SELECT array_fill(0.5::real, ARRAY[2736])::halfvec <=> array_fill(0.25::real, ARRAY[2736])::halfvec AS halfvec_cosine;

SELECT array_fill(0.5::real, ARRAY[2736])::halfvec <-> array_fill(0.25::real, ARRAY[2736])::halfvec AS halfvec_l2;

CREATE TABLE smoke (id int, embedding halfvec NOT NULL, attributes jsonb NOT NULL);

INSERT INTO smoke SELECT i, (SELECT array_agg(sin(i * j)::real) FROM generate_series(1, 2736) j)::halfvec, jsonb_build_object('k', (i % 3)::text) FROM generate_series(1, 300) i;

CREATE INDEX smoke_hnsw ON smoke USING hnsw ((embedding::halfvec(2736)) halfvec_cosine_ops);

SET enable_seqscan = off;

SET hnsw.iterative_scan = relaxed_order;

SELECT count(*) AS hnsw_filtered_scan FROM (SELECT id FROM smoke WHERE attributes @> jsonb_build_object('k', '1') ORDER BY embedding::halfvec(2736) <=> (SELECT embedding FROM smoke WHERE id = 7)::halfvec(2736) LIMIT 5) t;

