import Foundation
import Mining
import PostgresStore
import StoreContract
import Testing

/// The PostgreSQL store keeps the same `StudyStore` contract as the SQLite one (each check a study of its own,
/// named after the check's temporary directory, so a second store on one directory is a second connection).
extension PostgresServerTests {
@Suite struct Contract {
  static let contract = StudyStoreContract { dir in
    try PostgresStudyStore.create(
      url: TestPostgres.study(URL(fileURLWithPath: dir.path).lastPathComponent.lowercased()), layout: StudyStoreContract.layout,
      benchmark: StudyStoreContract.benchmark, engine: "gbdt")
  }

  @Test(arguments: StudyStoreContract.Check.allCases)
  func keepsTheStudyStoreContract(_ check: StudyStoreContract.Check) throws { try Self.contract.run(check) }

  @Test func studiesInOneDatabaseAreKeptApartByName() throws {
    let (a, b) = (TestPostgres.freshName("a"), TestPostgres.freshName("b"))
    let first = try PostgresStudyStore.create(
      url: TestPostgres.study(a), layout: StudyStoreContract.layout, benchmark: StudyStoreContract.benchmark, engine: "gbdt")
    let second = try PostgresStudyStore.create(
      url: TestPostgres.study(b), layout: StudyStoreContract.layout, benchmark: StudyStoreContract.benchmark, engine: "gbdt")
    #expect(try first.addTrials([StudyStoreContract.configuration(3)], sampler: "uniform", engine: "gbdt", sampledLimit: 5) == [2])
    #expect(try second.trials().count == 1, "b holds only its benchmark")
    try first.saveSamplerState("gfn", [1])
    #expect(try second.samplerState("gfn") == nil)
    #expect(try PostgresStudyStore.open(url: TestPostgres.study(a)).trials().count == 2)
    #expect(throws: MiningError.self) { try PostgresStudyStore.open(url: TestPostgres.study(TestPostgres.freshName("none"))) }
  }

  @Test func reopeningWithOtherDataIsRefused() throws {
    let name = TestPostgres.freshName()
    _ = try PostgresStudyStore.create(
      url: TestPostgres.study(name), layout: StudyStoreContract.layout, benchmark: StudyStoreContract.benchmark, engine: "gbdt")
    var other = StudyStoreContract.layout
    other.fingerprint.rows = 13
    let error = try #require(throws: MiningError.self) {
      try PostgresStudyStore.create(url: TestPostgres.study(name), layout: other, benchmark: StudyStoreContract.benchmark, engine: "gbdt")
    }
    #expect(error.description.contains("was created on other data"), "\(error)")
  }
}
}
