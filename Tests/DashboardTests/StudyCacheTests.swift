import Dashboard
import Foundation
import Mining
import TestSupport
import Testing

/// While a study changes between requests (it is being mined), the pages rescore it at most once per rest; the
/// progress counts stay live.
@Suite struct StudyCacheTests {
  @Test func aChangingStudyIsRescoredAtMostOncePerRest() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let study = try MinersTests.tinyStudy(at: dir.file("s.sqlite"))
    let cache = StudyCache(study: study, location: dir.file("s.sqlite"), minimumRest: 60)
    let rows = study.layout.splitTargets.map { $0.labels.count }
    func finishSplit() throws {
      let claim = try #require(try study.store.claim(for: StudyWorker.current, lease: 120))
      #expect(try study.store.complete(claim, predictions: (0..<rows[claim.split]).map { Double($0 % 7) }, seconds: 1))
    }
    let t0 = Date()
    #expect(try cache.snapshot(now: t0).progress.splitsDone == 0 && cache.computations == 1)
    try finishSplit()
    let soon = try cache.snapshot(now: t0.addingTimeInterval(30))
    #expect(soon.progress.splitsDone == 1, "the counts are live")
    #expect(cache.computations == 1, "within the rest the scores are kept")
    try finishSplit()
    let later = try cache.snapshot(now: t0.addingTimeInterval(61))
    #expect(cache.computations == 2, "after the rest the study is scored again")
    #expect(later.progress.splitsDone == 2 && later.results.first?.status == .done, "the benchmark's two splits are scored")
    _ = try cache.snapshot(now: t0.addingTimeInterval(200))
    #expect(cache.computations == 2, "an unchanged study is not scored again, however long after")
  }
}
