import Boosting
import Foundation
import Scoring

/// A layout as the stores keep it, key → text (canonical JSON), and the checks a stored layout makes against
/// a run's: the same data (fingerprint) and the same sealed eras. Labels and ids are kept apart, as blobs.
public enum StudyMeta {
  /// The layout's entries (without labels and ids).
  public static func entries(_ layout: StudyLayout) throws -> [(String, String)] {
    var entries = [
      ("fingerprint", try canonicalJSON(layout.fingerprint)), ("splits", try canonicalJSON(layout.splits)),
      ("split_targets", try canonicalJSON(layout.splitTargets)),
      ("benchmark_parameters", try canonicalJSON(layout.benchmarkParameters)), ("scoring_target", layout.scoringTarget),
      ("data_paths", try canonicalJSON(layout.dataPaths)),
    ]
    if !layout.sealedEras.isEmpty { entries.append(("sealed_eras", try canonicalJSON(layout.sealedEras))) }
    return entries
  }

  /// The layout the entries describe (split targets without labels and ids; missing entries take the defaults of
  /// studies made before they were kept).
  public static func layout(_ meta: [String: String]) throws -> StudyLayout {
    func decode<T: Decodable>(_ type: T.Type, _ key: String, _ fallback: String) throws -> T {
      try JSONDecoder().decode(type, from: Data((meta[key] ?? fallback).utf8))
    }
    return StudyLayout(
      fingerprint: try decode(StudyFingerprint.self, "fingerprint", "{}"), splits: try decode([EraSplit].self, "splits", "[]"),
      splitTargets: try decode([SplitTargets].self, "split_targets", "[]"),
      benchmarkParameters: try decode(BoostingParameters.self, "benchmark_parameters", "{}"),
      scoringTarget: meta["scoring_target"] ?? "target", sealedEras: try decode([String].self, "sealed_eras", "[]"),
      dataPaths: try decode([String].self, "data_paths", "[]"))
  }

  /// Throws unless the stored fingerprint is `fingerprint`'s.
  public static func checkFingerprint(_ stored: String, against fingerprint: StudyFingerprint, location: String) throws {
    guard stored != (try canonicalJSON(fingerprint)) else { return }
    let old = try JSONDecoder().decode(StudyFingerprint.self, from: Data(stored.utf8))
    throw MiningError(
      "\(location) was created on other data (\(old.files.joined(separator: ", ")): \(old.rows) rows, \(old.eras) eras, \(old.features.count) features); this run has \(fingerprint.files.joined(separator: ", ")): \(fingerprint.rows) rows, \(fingerprint.eras) eras, \(fingerprint.features.count) features. Use a new --study."
    )
  }

  /// Throws unless the stored sealed eras (nil: none) are the layout's.
  public static func checkSealedEras(_ stored: String?, against layout: StudyLayout, location: String) throws {
    let sealed = try stored.map { try JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
    guard sealed != layout.sealedEras else { return }
    func describe(_ eras: [String]) -> String { eras.isEmpty ? "no sealed eras" : "sealed eras \(eras.first!)…\(eras.last!)" }
    throw MiningError("\(location) was created with \(describe(sealed)); this run asks for \(describe(layout.sealedEras)). Use a new --study.")
  }

  static func canonicalJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }
}
