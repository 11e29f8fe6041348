import Catalog
import Foundation
@testable import PostgresCatalog
import PostgresNIO
import TestSupport
import XCTest

/// The shared store tests, plus search in the database and replica reads, against a real PostgreSQL
/// with pgvector: `make test` starts one (scripts/pg) and sets LOOKALIKE_TEST_POSTGRES_URL and
/// LOOKALIKE_TEST_POSTGRES_REPLICA_URL. Without them the tests skip, except under CI or
/// LOOKALIKE_REQUIRE_POSTGRES=1, where a missing server is a failure.
final class PostgresCatalogStoreTests: TimedTestCase {
    /// The primary's URL, or a skip (or failure, when a server is required).
    private func serverURL(_ name: String = "LOOKALIKE_TEST_POSTGRES_URL") throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment[name], !url.isEmpty { return url }
        if environment["LOOKALIKE_REQUIRE_POSTGRES"] == "1" || environment["CI"] == "true" {
            XCTFail("\(name) is not set but a PostgreSQL server is required (run the tests with `make test`)")
        }
        throw XCTSkip("\(name) not set: run `make test` (or scripts/pg/with-servers.sh swift test) for the PostgreSQL tests")
    }

    /// `url` with the catalog in a schema of its own, so every test starts empty.
    private func isolated(_ url: String, schema: String) -> String {
        url + (url.contains("?") ? "&" : "?") + "schema=\(schema)&sslmode=disable"
    }

    /// A store in a new schema (dropped when the test ends), and its URL.
    private func makePostgresStore(readURL: String? = nil) async throws -> (PostgresCatalogStore, String) {
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let url = isolated(try serverURL(), schema: String(schema))
        let store = try await PostgresCatalogStore(url: url, readURL: readURL.map { isolated($0, schema: String(schema)) })
        addTeardownBlock {
            _ = try? await store.query("dropping the test schema", PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"))
            await store.close()
        }
        return (store, url)
    }

    private func fixture() async throws -> StoreFixture {
        let (store, url) = try await makePostgresStore()
        return StoreFixture(
            store: store,
            reopen: { [self] in
                let reopened = try await PostgresCatalogStore(url: url)
                addTeardownBlock { await reopened.close() }
                return reopened
            },
            rowCount: { table in
                try await store.query("counting", PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)")).first?.decode(Int.self) ?? -1
            })
    }

    func testRoundTripAndReopen() async throws { try await CatalogStoreContract.roundTripAndReopen(fixture()) }
    func testBatchWithAnInvalidItemLeavesNothing() async throws { try await CatalogStoreContract.batchWithAnInvalidItemLeavesNothing(fixture()) }
    func testUpsertReplacesWithoutDuplicates() async throws { try await CatalogStoreContract.upsertReplacesWithoutDuplicates(fixture()) }
    func testRemoveCascadesToVectorsAndAttributes() async throws { try await CatalogStoreContract.removeCascadesToVectorsAndAttributes(fixture()) }
    func testContentHashesSkipProductsWithoutHash() async throws { try await CatalogStoreContract.contentHashesSkipProductsWithoutHash(fixture()) }
    func testFacets() async throws { try await CatalogStoreContract.facets(fixture()) }
    func testAdditionalImages() async throws { try await CatalogStoreContract.additionalImages(fixture()) }
    func testImagePathsInUse() async throws { try await CatalogStoreContract.imagePathsInUse(fixture()) }
    func testProductsKeepsRequestedOrderAndSkipsUnknown() async throws { try await CatalogStoreContract.productsKeepRequestedOrderAndSkipUnknown(fixture()) }
    func testModelKeysAreIsolated() async throws { try await CatalogStoreContract.modelKeysAreIsolated(fixture()) }
    func testImportRunsFailuresStatsAndSettings() async throws { try await CatalogStoreContract.importRunsFailuresStatsAndSettings(fixture()) }

    func testMigrationsAreNamedRecordedAndNewerSchemasRefused() async throws {
        let (store, url) = try await makePostgresStore()
        let applied = try await store.appliedMigrations()
        XCTAssertEqual(applied, ["v1-catalog", "v1-import-runs", "v1-settings", "v2-vector-filters", "v3-product-images"])
        let again = try await PostgresCatalogStore(url: url)  // migrates nothing
        await again.close()
        try await store.query("faking a newer version", "INSERT INTO schema_migrations (identifier) VALUES ('v9-from-the-future')")
        do {
            let newer = try await PostgresCatalogStore(url: url)
            await newer.close()
            XCTFail("a schema from a newer Lookalike must be refused")
        } catch let error as CatalogStoreError {
            guard case .schemaTooNew(_, ["v9-from-the-future"]) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(error.description.contains("newer version of Lookalike"), error.description)
            XCTAssertFalse(error.description.contains("lookalike-test"), "no password in messages: \(error)")
        }
    }

    func testUpsertProductsUpdatesMetadataAndFilters() async throws {
        let fixture = try await fixture()
        try await CatalogStoreContract.upsertProductsUpdatesMetadataOnly(fixture)
        let store = try XCTUnwrap(fixture.store as? PostgresCatalogStore)
        let green = try await store.nearest(to: [1, 0], k: 5, filters: ["color": ["green"]], excluding: [], modelKey: "m", distance: .cosine)
        XCTAssertEqual(green.map(\.id), ["a"], "filters see the new attributes")
        let red = try await store.nearest(to: [1, 0], k: 5, filters: ["color": ["red"]], excluding: [], modelKey: "m", distance: .cosine)
        XCTAssertTrue(red.isEmpty)
    }

    func testNearestRanksFiltersAndExcludesInTheDatabase() async throws {
        let (store, _) = try await makePostgresStore()
        let items: [(product: Product, vector: [Float])] = [
            (product("east", ["type": "Shirts", "colour": "Blue"]), [1, 0, 0]),
            (product("north-east", ["type": "Shirts", "colour": "Red"]), [0.7071, 0.7071, 0]),
            (product("north", ["type": "Shoes", "colour": "Blue"]), [0, 1, 0]),
            (product("up", ["type": "Bags"]), [0, 0, 1]),
        ]
        try await store.upsert(items, modelKey: "m@1")
        let all = try await store.nearest(to: [1, 0.1, 0], k: 3, filters: [:], excluding: [], modelKey: "m@1", distance: .cosine)
        XCTAssertEqual(all.map(\.id), ["east", "north-east", "north"])
        XCTAssertEqual(all[0].score, 0.995, accuracy: 0.01, "cosine similarity, higher is closer")
        let shirtsOrShoesInBlue = try await store.nearest(to: [1, 0.1, 0], k: 10, filters: ["type": ["Shirts", "Shoes"], "colour": ["Blue"]],
                                                          excluding: [], modelKey: "m@1", distance: .cosine)
        XCTAssertEqual(shirtsOrShoesInBlue.map(\.id), ["east", "north"], "OR within a key, AND across keys")
        let excluded = try await store.nearest(to: [1, 0, 0], k: 2, filters: [:], excluding: ["east"], modelKey: "m@1", distance: .cosine)
        XCTAssertEqual(excluded.map(\.id), ["north-east", "north"])
        let euclidean = try await store.nearest(to: [0, 0, 1], k: 1, filters: [:], excluding: [], modelKey: "m@1", distance: .euclidean)
        XCTAssertEqual(euclidean.map(\.id), ["up"])
        XCTAssertEqual(euclidean[0].score, 0, accuracy: 1e-3, "Euclidean distance, lower is closer")
        let unknownModel = try await store.nearest(to: [1, 0, 0], k: 2, filters: [:], excluding: [], modelKey: "other", distance: .cosine)
        XCTAssertTrue(unknownModel.isEmpty)
        let vector = try await store.vector(for: "north", modelKey: "m@1")
        XCTAssertEqual(vector, [0, 1, 0])
        let missing = try await store.vector(for: "nope", modelKey: "m@1")
        XCTAssertNil(missing)
        let count = try await store.vectorCount(modelKey: "m@1")
        XCTAssertEqual(count, 4)
    }

    func testSearchesUseTheHNSWIndexWithFilters() async throws {
        let (store, url) = try await makePostgresStore()
        var generator = SystemRandomNumberGenerator()
        let dimension = 32
        let batch = (0 ..< 2000).map { i -> (product: Product, vector: [Float]) in
            (product("p\(i)", ["type": "t\(i % 5)"]), (0 ..< dimension).map { _ in Float.random(in: -1 ... 1, using: &generator) })
        }
        try await store.upsert(batch, modelKey: "m")
        try await store.query("analyzing", "ANALYZE vectors")
        let indexes = try await store.query("listing indexes", "SELECT indexname FROM pg_indexes WHERE tablename = 'vectors' AND schemaname = current_schema()")
            .map { try $0.decode(String.self) }
        XCTAssertTrue(indexes.contains { $0.hasPrefix("vectors_hnsw_cosine_") }, "\(indexes)")
        XCTAssertTrue(indexes.contains("vectors_attributes"), "filters find their rows through a GIN index: \(indexes)")
        let settings = try await store.query("reading pgvector settings", """
            SELECT current_setting('hnsw.ef_search'), current_setting('hnsw.iterative_scan')
            """).first?.decode((String, String).self)
        XCTAssertEqual(settings?.0, "100")
        XCTAssertEqual(settings?.1, "relaxed_order")
        let query = batch[7].vector
        // The true top 10 among t2 and t4 (cosine), to check both ways of running a filtered search.
        func dot(_ a: [Float], _ b: [Float]) -> Float {
            var sum: Float = 0
            for index in a.indices { sum += a[index] * b[index] }
            return sum
        }
        func cosine(_ a: [Float], _ b: [Float]) -> Float { dot(a, b) / (dot(a, a) * dot(b, b)).squareRoot() }
        let truth = batch.filter { ["t2", "t4"].contains($0.product.attributes["type"]) && $0.product.id != "p12" }
            .sorted { cosine($0.vector, query) > cosine($1.vector, query) }.prefix(10).map(\.product.id)
        // 800 matching rows ≤ exact_filter_limit (10,000): an exact scan of the rows the GIN index finds.
        let exact = try await store.nearest(to: query, k: 10, filters: ["type": ["t2", "t4"]], excluding: ["p12"], modelKey: "m", distance: .cosine)
        XCTAssertEqual(exact.map(\.id), truth, "a narrow filter is searched exactly")
        // Above the limit: the graph, with an iterative scan that keeps walking until k rows pass the filter.
        let graphStore = try await PostgresCatalogStore(url: url + "&exact_filter_limit=100")
        addTeardownBlock { await graphStore.close() }
        let walked = try await graphStore.nearest(to: query, k: 10, filters: ["type": ["t2", "t4"]], excluding: ["p12"], modelKey: "m", distance: .cosine)
        XCTAssertEqual(walked.count, 10, "iterative scans fill k even when the filter keeps two fifths of the rows")
        XCTAssertTrue(walked.allSatisfy { [2, 4].contains((Int($0.id.dropFirst()) ?? -1) % 5) && $0.id != "p12" })
        XCTAssertGreaterThanOrEqual(Set(walked.map(\.id)).intersection(truth).count, 7, "HNSW recall on 32-d random data")
        let noValue = try await store.nearest(to: query, k: 10, filters: ["type": []], excluding: [], modelKey: "m", distance: .cosine)
        XCTAssertTrue(noValue.isEmpty, "a key that allows no value matches nothing")
        let itself = try await store.nearest(to: query, k: 1, filters: [:], excluding: [], modelKey: "m", distance: .cosine)
        XCTAssertEqual(itself.first?.id, "p7")
        let model = try XCTUnwrap(store.models.get("m"))
        let plan = try await store.query("explaining", PostgresQuery(unsafeSQL: """
            EXPLAIN SELECT product_id FROM vectors WHERE model_id = \(model.id)
            ORDER BY embedding::halfvec(\(dimension)) <=> '[\(query.map { "\($0)" }.joined(separator: ","))]'::halfvec(\(dimension)) LIMIT 10
            """)).map { try $0.decode(String.self) }.joined(separator: "\n")
        XCTAssertTrue(plan.contains(model.indexName), plan)
    }

    func testSearchesCanGoToTheReadReplica() async throws {
        let replicaURL = try serverURL("LOOKALIKE_TEST_POSTGRES_REPLICA_URL")
        let (store, _) = try await makePostgresStore(readURL: replicaURL)
        try await store.upsert([(product("a", ["k": "v"]), [1, 0]), (product("b"), [0, 1])], modelKey: "m")
        // The replica streams the primary's WAL: the write shows up there within moments.
        var hits: [VectorHit] = []
        let deadline = Date().addingTimeInterval(15)
        repeat {
            // Until the replica has replayed the new schema, its tables may not exist yet.
            hits = (try? await store.nearest(to: [0, 1], k: 2, filters: [:], excluding: [], modelKey: "m", distance: .cosine)) ?? []
            if hits.count == 2 { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        } while Date() < deadline
        XCTAssertEqual(hits.map(\.id), ["b", "a"])
        let onReplica = try await store.query("asking the replica", "SELECT pg_is_in_recovery()", on: store.reader).first?.decode(Bool.self)
        XCTAssertEqual(onReplica, true, "searches ran on a standby")
        do {
            try await store.query("writing to the replica", "CREATE TABLE nope (x int)", on: store.reader)
            XCTFail("a standby refuses writes")
        } catch {}
    }

    func testURLParsingAndRedaction() throws {
        let url = try PostgresURL("postgres://ann:s%40cret@db.example:6543/shop?sslmode=require&pool=4&ef_search=200&exact_filter_limit=500&schema=catalog_1")
        XCTAssertEqual(url.host, "db.example")
        XCTAssertEqual(url.port, 6543)
        XCTAssertEqual(url.username, "ann")
        XCTAssertEqual(url.password, "s@cret")
        XCTAssertEqual(url.database, "shop")
        XCTAssertEqual(url.maximumConnections, 4)
        XCTAssertEqual(url.efSearch, 200)
        XCTAssertEqual(url.exactFilterLimit, 500)
        XCTAssertEqual(try PostgresURL("postgres://h/db").exactFilterLimit, 10_000)
        XCTAssertEqual(url.schema, "catalog_1")
        XCTAssertFalse(url.description.contains("cret"))
        XCTAssertEqual(PostgresURL.redact("postgres://ann:secret@h/db"), "postgres://ann:***@h/db")
        XCTAssertTrue(PostgresURL.isPostgresURL("postgresql://h/db"))
        XCTAssertFalse(PostgresURL.isPostgresURL("catalog.db"))
        for bad in ["postgres:///db", "postgres://h/db?pool=0", "postgres://h/db?schema=Drop;Table", "postgres://h/db?colour=red",
                    "postgres://h/db?exact_filter_limit=-1"] {
            XCTAssertThrowsError(try PostgresURL(bad), bad)
        }
    }

    func testAnUnreachableServerFailsWithAClearMessage() async throws {
        let started = Date()
        do {
            let store = try await PostgresCatalogStore(url: "postgres://nobody:pw@127.0.0.1:1/none?sslmode=disable")
            await store.close()
            XCTFail("nothing listens on port 1")
        } catch {
            XCTAssertTrue("\(error)".contains("127.0.0.1:1"), "\(error)")
            XCTAssertFalse("\(error)".contains("pw@"), "no password in messages: \(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 15, "a refused connection is reported at once")
    }
}
