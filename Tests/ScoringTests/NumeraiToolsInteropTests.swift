import Foundation
import NumeraiData
import TestSupport
import Testing

@testable import Scoring

/// A generated 30 eras × 3000 rows case (tied predictions, ~5 % NaN targets, 8 binned features, one feature constant
/// in one era) scored by numerai-tools and by us: numerai_corr, MMC and FNC per era agree to 1e-9.
@Suite struct NumeraiToolsInteropTests {
  static let eraCount = 30
  static let rowsPerEra = 3000
  static let featureCount = 8

  struct Case {
    var eras: [String] = []
    var ids: [String] = []
    var target: [Double] = []
    var prediction: [Double] = []
    var metaModel: [Double] = []
    var features: [[Int8]] = Array(repeating: [], count: featureCount)
  }

  static func generate() -> Case {
    var rng = SplitMix64(seed: 42)
    var c = Case()
    for e in 0..<eraCount {
      for r in 0..<rowsPerEra {
        c.eras.append(String(format: "%04d", e + 1))
        c.ids.append(String(format: "n%06d", e * rowsPerEra + r))
        var signal = 0.0
        for j in 0..<featureCount {
          // Feature 3 is constant in era 5: its column drops out of the fit.
          let bin = (j == 3 && e == 4) ? Int8(2) : Int8(rng.next() % 5)
          c.features[j].append(bin)
          signal += Double(bin - 2) * (j < 4 ? 0.1 : -0.05)
        }
        let noise = rng.uniform() - 0.5
        let t = min(4, max(0, (signal + noise + 1).rounded()))
        c.target.append(rng.uniform() < 0.05 ? .nan : t / 4)
        // Rounded to 2 decimals: many ties.
        c.prediction.append(((signal * 0.5 + rng.uniform()) * 100).rounded() / 100)
        c.metaModel.append(signal + 0.7 * rng.uniform())
      }
    }
    return c
  }

  static let script = """
    import sys, json
    import pandas as pd
    from numerai_tools.scoring import numerai_corr, correlation_contribution, feature_neutral_corr
    df = pd.read_csv(sys.argv[1], dtype={"era": str}).set_index("id")
    feats = [c for c in df.columns if c.startswith("feature_")]
    out = {}
    for era, d in df.groupby("era"):
        d = d.sort_index()
        p = d[["prediction"]]
        out[era] = {
            "corr": float(numerai_corr(p, d["target"])["prediction"]),
            "mmc": float(correlation_contribution(p, d["meta_model"], d["target"])["prediction"]),
            "fnc": float(feature_neutral_corr(p, d[feats].astype(float), d["target"])["prediction"]),
        }
    print(json.dumps(out))
    """

  @Test func perEraScoresEqualNumeraiTools() throws {
    try PythonPeer.require(modules: ["numerai_tools", "pandas"], packages: ["numerai-tools", "pandas"])
    let c = Self.generate()
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    var csv =
      "id,era,target,prediction,meta_model,"
      + (0..<Self.featureCount).map { "feature_\($0)" }.joined(
        separator: ",") + "\n"
    for i in c.ids.indices {
      let t = c.target[i].isNaN ? "" : "\(c.target[i])"
      let f = (0..<Self.featureCount).map { "\(c.features[$0][i])" }.joined(separator: ",")
      csv += "\(c.ids[i]),\(c.eras[i]),\(t),\(c.prediction[i]),\(c.metaModel[i]),\(f)\n"
    }
    try csv.write(toFile: directory.file("case.csv"), atomically: true, encoding: .utf8)
    let output = try PythonPeer.run(script: Self.script, arguments: [directory.file("case.csv")])
    let reference = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: [String: Double]]
    #expect(reference.count == Self.eraCount)

    // The library functions on each era's vectors.
    for e in 0..<Self.eraCount {
      let era = String(format: "%04d", e + 1)
      let rows = (e * Self.rowsPerEra)..<((e + 1) * Self.rowsPerEra)
      let p = Array(c.prediction[rows])
      let t = Array(c.target[rows])
      let features = c.features.map { $0[rows].map(Double.init) }
      let expected = reference[era]!
      let corr = NumeraiMetrics.numeraiCorr(predictions: p, targets: t)
      let mmc = NumeraiMetrics.correlationContribution(
        predictions: p, metaModel: Array(c.metaModel[rows]), targets: t)
      let fnc = NumeraiMetrics.featureNeutralCorr(predictions: p, features: features, targets: t)
      #expect(abs(corr - expected["corr"]!) < 1e-9, "corr \(era)")
      #expect(abs(mmc - expected["mmc"]!) < 1e-9, "mmc \(era)")
      #expect(abs(fnc - expected["fnc"]!) < 1e-9, "fnc \(era): \(fnc) vs \(expected["fnc"]!)")
    }

    // The parallel per-era evaluation on a Dataset (integer feature bins), rows given in reverse order.
    let n = c.ids.count
    let dataset = Dataset(
      ids: StringColumn(c.ids), eras: (1...Self.eraCount).map { String(format: "%04d", $0) },
      eraRanges: (0..<Self.eraCount).map { ($0 * Self.rowsPerEra)..<(($0 + 1) * Self.rowsPerEra) },
      featureNames: (0..<Self.featureCount).map { "feature_\($0)" },
      features: ColumnMajorMatrix(columns: c.features, rowCount: n), targetNames: ["target"],
      targets: ColumnMajorMatrix(columns: [c.target.map(Float.init)], rowCount: n))
    let rows = Array((0..<n).reversed())
    let scores = try EraEvaluation.evaluate(
      predictions: rows.map { c.prediction[$0] }, dataset: dataset, rows: rows, target: 0,
      metaModel: rows.map { c.metaModel[$0] }, featureColumns: Array(0..<Self.featureCount), threads: 2)
    #expect(scores.eras == dataset.eras)
    for (k, era) in scores.eras.enumerated() {
      let expected = reference[era]!
      #expect(abs(scores.corr[k] - expected["corr"]!) < 1e-9, "corr \(era)")
      #expect(abs(scores.mmc![k] - expected["mmc"]!) < 1e-9, "mmc \(era)")
      #expect(abs(scores.fnc![k] - expected["fnc"]!) < 1e-9, "fnc \(era)")
    }
  }
}

/// A small deterministic generator for test data.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  /// Uniform in [0, 1).
  mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
}
