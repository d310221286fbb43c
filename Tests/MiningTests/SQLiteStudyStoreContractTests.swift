import Mining
import StoreContract
import Testing

/// The SQLite store keeps the `StudyStore` contract.
@Suite struct SQLiteStudyStoreContractTests {
  static let contract = StudyStoreContract { dir in
    try SQLiteStudyStore.create(
      path: dir.file("s.sqlite"), layout: StudyStoreContract.layout, benchmark: StudyStoreContract.benchmark, engine: "gbdt")
  }

  @Test(arguments: StudyStoreContract.Check.allCases)
  func keepsTheStudyStoreContract(_ check: StudyStoreContract.Check) throws { try Self.contract.run(check) }
}
