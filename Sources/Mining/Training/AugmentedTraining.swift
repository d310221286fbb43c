import Features
import NumeraiData

/// A fit's training rows with its augmentation's rows added (made from those training rows only, seeded by
/// their count so the study, the lab and an export's refit build the same rows).
enum AugmentedTraining {
  /// The data set to fit on and its rows: `dataset` and `trainRows` unchanged without an augmentation.
  static func rows(
    _ dataset: Dataset, trainRows: [Int], augmentation: TrainingAugmentation?, target: String
  ) throws -> (dataset: Dataset, rows: [Int]) {
    guard let augmentation, let column = dataset.targetIndex(named: target) else { return (dataset, trainRows) }
    let extra = try augmentation.rows(from: dataset, trainRows: trainRows, target: column, seed: UInt64(trainRows.count))
    return (try dataset.appendingRows(of: extra), trainRows + Array(dataset.rowCount..<(dataset.rowCount + extra.rowCount)))
  }

  /// The same for a trial's configuration (`augment` spec, `none` for none).
  static func rows(_ dataset: Dataset, trainRows: [Int], configuration: TrialConfiguration) throws -> (dataset: Dataset, rows: [Int]) {
    let augmentation = configuration.augment == TrialConfiguration.noAugmentation ? nil : try TrainingAugmentation(configuration.augment)
    return try rows(dataset, trainRows: trainRows, augmentation: augmentation, target: configuration.target)
  }
}
