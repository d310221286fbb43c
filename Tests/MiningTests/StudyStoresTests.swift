import Foundation
import Mining
import StoreContract
import TestSupport
import Testing

/// `StudyStores`: a path is a SQLite study; `scheme://` goes to the backend registered for it, else one clear line.
@Suite struct StudyStoresTests {
  @Test func anUnregisteredSchemeIsRefusedInOneLine() throws {
    let error = try #require(throws: MiningError.self) { try StudyStores.open("nosuchdb://host/db?study=s") }
    #expect(error.description.hasPrefix("--study nosuchdb://…: no study store for this scheme; expected a file path"), "\(error)")
    #expect(!error.description.contains("\n"))
  }

  @Test func aRegisteredSchemeGetsTheLocationAndAPathStaysSQLite() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.file("s.sqlite")
    let sqlite = try StudyStores.create(path, layout: StudyStoreContract.layout, benchmark: StudyStoreContract.benchmark, engine: "gbdt")
    #expect(sqlite is SQLiteStudyStore)
    // A test backend that serves every location from that one file.
    StudyStores.register(
      scheme: "testfile", open: { _ in try SQLiteStudyStore.open(path: path) },
      create: { _, layout, benchmark, engine in try SQLiteStudyStore.create(path: path, layout: layout, benchmark: benchmark, engine: engine) })
    let opened = try StudyStores.open("TESTFILE://anything")
    let trials = try opened.trials()
    #expect(opened.location == path && trials.count == 1)
  }
}
