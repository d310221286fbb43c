import Foundation
import NumeraiData

/// numerai-tools' reference frame and answers (Tests/Fixtures/numerai-scoring, copied from shared/fixtures).
struct ScoringFixture {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/numerai-scoring").path

  /// CSV columns by name (all but id/era parsed as Double), rows in file order.
  let ids: [String]
  let eras: [String]
  let columns: [String: [Double]]
  let expected: [String: Any]
  static let featureNames = ["feature_a", "feature_b", "feature_c", "feature_d", "feature_e"]

  init() throws {
    let table = try Self.readCSV(Self.directory + "/fixture_3eras_200rows.csv")
    ids = table.text["id"]!
    eras = table.text["era"]!
    columns = table.numbers
    let data = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/expected_scores.json"))
    expected = try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }

  /// Reads a small CSV: `id` and `era` stay text, every other column becomes Double.
  static func readCSV(_ path: String) throws -> (text: [String: [String]], numbers: [String: [Double]]) {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    var text: [String: [String]] = [:]
    var numbers: [String: [Double]] = [:]
    for line in lines.dropFirst() {
      for (name, field) in zip(header, line.split(separator: ",", omittingEmptySubsequences: false)) {
        if name == "id" || name == "era" {
          text[name, default: []].append(String(field))
        } else {
          numbers[name, default: []].append(Double(field) ?? .nan)
        }
      }
    }
    return (text, numbers)
  }

  var eraLabels: [String] { Array(Set(eras)).sorted() }

  /// Row indices of one era.
  func rows(of era: String) -> [Int] { eras.indices.filter { eras[$0] == era } }

  func column(_ name: String, era: String) -> [Double] { rows(of: era).map { columns[name]![$0] } }

  func features(era: String) -> [[Double]] { Self.featureNames.map { column($0, era: era) } }

  func perEra(_ era: String, _ metric: String) -> [String: Any] {
    ((expected["per_era"] as! [String: Any])[era] as! [String: Any])[metric] as! [String: Any]
  }

  func rollUp(_ metric: String, _ prediction: String) -> [String: Double] {
    ((expected["rollup_over_eras"] as! [String: Any])[metric] as! [String: Any])[prediction] as! [String: Double]
  }

  /// The frame as a `Dataset` (rows are already in era order): features as bins, `target` as the only target.
  func dataset() -> Dataset {
    let labels = eraLabels
    let ranges = labels.map { era -> Range<Int> in
      let r = rows(of: era)
      return r.first!..<(r.last! + 1)
    }
    let n = ids.count
    let features = ColumnMajorMatrix<Int8>(
      columns: Self.featureNames.map { name in columns[name]!.map { Int8($0) } }, rowCount: n)
    let targets = ColumnMajorMatrix<Float>(columns: [columns["target"]!.map { Float($0) }], rowCount: n)
    return Dataset(
      ids: StringColumn(ids), eras: labels, eraRanges: ranges, featureNames: Self.featureNames, features: features,
      targetNames: ["target"], targets: targets)
  }
}
