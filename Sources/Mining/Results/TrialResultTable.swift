import Foundation

/// The results of a study as a table: named numeric columns (the names `results --sort` and `select --score`
/// take), filters, sorting by a column, and the rows printed, shared by `results`, `select` and the report.
public struct TrialResultTable: Sendable {
  /// The rows, in the table's order.
  public private(set) var rows: [TrialResult]

  public init(_ rows: [TrialResult]) { self.rows = rows }

  /// The numeric columns by their snake-case name (as in `results --json`).
  nonisolated(unsafe) public static let scores: [String: KeyPath<TrialResult, Double?>] = [
    "validation_corr": \.validationCorr, "validation_sharpe": \.validationSharpe,
    "validation_max_drawdown": \.validationMaxDrawdown, "validation_pearson": \.validationPearson,
    "validation_mmc": \.validationMmc, "test_corr": \.testCorr, "test_sharpe": \.testSharpe,
    "test_max_drawdown": \.testMaxDrawdown, "test_pearson": \.testPearson, "test_mmc": \.testMmc,
    "whole_corr": \.wholeCorr, "whole_sharpe": \.wholeSharpe, "whole_max_drawdown": \.wholeMaxDrawdown,
    "whole_pearson": \.wholePearson, "whole_pearson_sharpe": \.wholePearsonSharpe, "whole_mmc": \.wholeMmc,
    "benchmark_correlation": \.benchmarkCorrelation, "deflated_sharpe": \.deflatedSharpe,
    "worse_fold_sharpe": \.worseFoldSharpe,
  ]

  /// The column named `name`.
  /// - Throws: naming the known columns when there is none.
  public static func score(named name: String, option: String) throws -> KeyPath<TrialResult, Double?> {
    guard let key = scores[name] else {
      throw MiningError("\(option) \(name): unknown key, expected one of: \(scores.keys.sorted().joined(separator: ", "))")
    }
    return key
  }

  /// Only the benchmark and the trials that beat it.
  public func beatersAndBenchmark() -> TrialResultTable { TrialResultTable(rows.filter { $0.beatsBenchmark || $0.isBenchmark }) }

  /// Only finished non-benchmark trials with a finite `key`, optionally only those beating the benchmark.
  public func candidates(by key: KeyPath<TrialResult, Double?>, beatingBenchmark: Bool) -> TrialResultTable {
    TrialResultTable(
      rows.filter { !$0.isBenchmark && ($0[keyPath: key]?.isFinite ?? false) && (!beatingBenchmark || $0.beatsBenchmark) })
  }

  /// Sorted by `key`, highest first, rows without a value last (stable otherwise).
  public func sorted(by key: KeyPath<TrialResult, Double?>) -> TrialResultTable {
    TrialResultTable(
      rows.enumerated().sorted { a, b in
        let x = a.element[keyPath: key] ?? -.infinity
        let y = b.element[keyPath: key] ?? -.infinity
        return x != y ? x > y : a.offset < b.offset
      }.map(\.element))
  }

  /// The first `count` rows.
  public func prefix(_ count: Int?) -> TrialResultTable { count.map { TrialResultTable(Array(rows.prefix($0))) } ?? self }

  // MARK: - Output

  /// The columns of the printed table and CSV.
  public static let printedColumns = [
    "id", "is_benchmark", "status", "target", "validation_sharpe", "test_sharpe", "whole_corr", "whole_sharpe",
    "whole_max_drawdown", "whole_pearson", "whole_mmc", "benchmark_correlation", "beats_benchmark",
  ]

  /// The printed columns, and `fidelity` after `id` when a row is a cheap evaluation (fidelity < 1).
  var columns: [String] {
    rows.allSatisfy({ $0.fidelity == 1 }) ? Self.printedColumns : [Self.printedColumns[0], "fidelity"] + Self.printedColumns.dropFirst()
  }

  /// One printed cell.
  public static func cell(_ column: String, of r: TrialResult) -> String {
    switch column {
    case "id": return String(r.id)
    case "fidelity": return String(format: "%.4g", r.fidelity)
    case "is_benchmark": return r.isBenchmark ? "yes" : "no"
    case "beats_benchmark": return r.beatsBenchmark ? "yes" : "no"
    case "status": return r.status.rawValue
    case "target": return r.target
    default: return scores[column].flatMap { r[keyPath: $0] }.map { String(format: "%.4f", $0) } ?? ""
    }
  }

  /// The rows as a JSON array (snake-case keys, sorted; per-era corr left out).
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(rows.map { r in var printed = r; printed.perEraCorr = [:]; return printed }), as: UTF8.self)
  }

  /// The rows as CSV: the printed columns, then the configuration.
  public func csv() -> String {
    let columns = columns
    var lines = [(columns + ["config"]).joined(separator: ",")]
    for r in rows {
      let config = (r.config.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.number($0.value))" }
        + r.pipeline.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
      lines.append((columns.map { Self.cell($0, of: r) } + ["\"\(config)\""]).joined(separator: ","))
    }
    return lines.joined(separator: "\n")
  }

  /// The rows as an aligned text table.
  public func text() -> String {
    let columns = columns
    let widths = columns.map { max(8, min($0.count, 14)) }
    func line(_ cells: [String]) -> String { zip(cells, widths).map { pad($0, $1) }.joined(separator: " ") }
    return ([line(columns)] + rows.map { r in line(columns.map { Self.cell($0, of: r) }) })
      .joined(separator: "\n")
  }

  private func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }

  /// A number as JSON would print it (integers without a fraction).
  static func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
}
