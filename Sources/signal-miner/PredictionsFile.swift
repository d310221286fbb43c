import Boosting
import Foundation
import NumeraiData
import Parquet

/// Writes `id,prediction` files, CSV or Parquet by the path's extension, atomically (no partial file on failure).
enum PredictionsFile {
  static func write(ids: StringColumn, predictions: [Double], to path: String, parquet: ParquetWriter) throws {
    if path.lowercased().hasSuffix(".parquet") {
      try parquet.write(
        [.string("id", Array(ids)), .double("prediction", predictions)], rowCount: predictions.count, to: path)
    } else {
      try writeCSV(ids: ids, predictions: predictions, to: path)
    }
  }

  private static func writeCSV(ids: StringColumn, predictions: [Double], to path: String) throws {
    var text = "id,prediction\n"
    text.reserveCapacity(ids.count * 32)
    for (i, id) in ids.enumerated() {
      text += id
      text += ","
      text += "\(predictions[i])\n"
    }
    do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
      throw BoostingError("\(path): cannot write the predictions (\(error.localizedDescription))")
    }
  }
}
