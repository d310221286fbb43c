import Foundation
import TestSupport
import Testing

@testable import Scoring

/// TimeSeriesSplit against scikit-learn over a parameter grid, and the embargoed k-fold's known answers.
@Suite struct SplitTests {
  struct GridCase: Codable {
    let n: Int
    let nSplits: Int
    let gap: Int
    let maxTrainSize: Int?
    let testSize: Int?
  }

  static var grid: [GridCase] {
    var cases: [GridCase] = []
    for n in [3, 5, 10, 17, 40] {
      for nSplits in [1, 2, 3, 5, 9] {
        for gap in [0, 1, 4] {
          for maxTrainSize in [nil, 0, 1, 3, 50] as [Int?] {
            for testSize in [nil, 1, 2, 7] as [Int?] {
              cases.append(GridCase(n: n, nSplits: nSplits, gap: gap, maxTrainSize: maxTrainSize, testSize: testSize))
            }
          }
        }
      }
    }
    return cases
  }

  static let script = """
    import sys, json
    from sklearn.model_selection import TimeSeriesSplit
    out = []
    for c in json.load(open(sys.argv[1])):
        try:
            s = TimeSeriesSplit(n_splits=c["nSplits"], gap=c["gap"], max_train_size=c.get("maxTrainSize"),
                                test_size=c.get("testSize"))
            out.append({"splits": [[tr.tolist(), te.tolist()] for tr, te in s.split(list(range(c["n"])))]})
        except ValueError as e:
            out.append({"error": str(e)})
    print(json.dumps(out))
    """

  @Test func timeSeriesSplitEqualsScikitLearn() throws {
    try PythonPeer.require(modules: ["sklearn"], packages: ["scikit-learn"])
    let grid = Self.grid
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try JSONEncoder().encode(grid).write(to: URL(fileURLWithPath: directory.file("grid.json")))
    let output = try PythonPeer.run(script: Self.script, arguments: [directory.file("grid.json")])
    let reference = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [[String: Any]]
    #expect(reference.count == grid.count)
    var errors = 0
    for (c, expected) in zip(grid, reference) {
      let splitter = TimeSeriesSplit(
        nSplits: c.nSplits, gap: c.gap, maxTrainSize: c.maxTrainSize, testSize: c.testSize)
      if let message = expected["error"] as? String {
        errors += 1
        #expect(throws: ScoringError(message), "\(c)") { try splitter.indices(count: c.n) }
      } else {
        let splits = try splitter.indices(count: c.n)
        let sk = expected["splits"] as! [[[Int]]]
        #expect(splits.map(\.train) == sk.map { $0[0] }, "\(c)")
        #expect(splits.map(\.test) == sk.map { $0[1] }, "\(c)")
      }
    }
    // The grid exercises both outcomes.
    #expect(errors > 50 && errors < grid.count - 50)
  }

  @Test func eraSplitsUseSortedUniqueEras() throws {
    let eras = ["0004", "0001", "0003", "0002", "0001", "0005", "0006", "0004"]
    let splits = try TimeSeriesSplit(nSplits: 2, gap: 1).splits(eras: eras)
    #expect(
      splits == [
        EraSplit(trainEras: ["0001"], testEras: ["0003", "0004"]),
        EraSplit(trainEras: ["0001", "0002", "0003"], testEras: ["0005", "0006"]),
      ])
  }

  @Test func embargoedKFoldKnownAnswers() throws {
    let eras = (1...11).map { String(format: "%04d", $0) }
    // 11 eras in 4 blocks: 3, 3, 3, 2 eras.
    let splits = try EmbargoedKFold(folds: 3, embargo: 1).splits(eras: eras)
    #expect(
      splits == [
        EraSplit(trainEras: ["0001", "0002"], testEras: ["0004", "0005", "0006"]),
        EraSplit(trainEras: ["0001", "0002", "0003", "0004", "0005"], testEras: ["0007", "0008", "0009"]),
        EraSplit(trainEras: (1...8).map { String(format: "%04d", $0) }, testEras: ["0010", "0011"]),
      ])
    let noEmbargo = try EmbargoedKFold(folds: 1, embargo: 0).splits(eras: Array(eras.prefix(4)))
    #expect(noEmbargo == [EraSplit(trainEras: ["0001", "0002"], testEras: ["0003", "0004"])])
    #expect(throws: ScoringError.self) { try EmbargoedKFold(folds: 3, embargo: 3).splits(eras: eras) }
    #expect(throws: ScoringError.self) { try EmbargoedKFold(folds: 0, embargo: 0).splits(eras: eras) }
    #expect(throws: ScoringError.self) { try EmbargoedKFold(folds: 2, embargo: -1).splits(eras: eras) }
  }
}
