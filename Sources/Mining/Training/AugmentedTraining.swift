import Features
import NumeraiData

/// A fit's training rows with its augmentation's rows after them (made from those training rows only, seeded by
/// their count so the study, the lab and an export's refit build the same rows).
enum AugmentedTraining {
  /// `dataset`'s `trainRows` against `target`, then `augmentation`'s rows, if any.
  static func rows(_ dataset: Dataset, trainRows: [Int], augmentation: TrainingAugmentation?, target: String) throws -> TrainingRows {
    guard let column = dataset.targetIndex(named: target) else { throw MiningError("the data has no target '\(target)'") }
    guard let augmentation else { return TrainingRows(dataset, rows: trainRows, target: column) }
    return try augmentation.training(from: dataset, trainRows: trainRows, target: column, seed: UInt64(trainRows.count))
  }

  /// The same for a trial's configuration (`augment` spec, `none` for none).
  static func rows(_ dataset: Dataset, trainRows: [Int], configuration: TrialConfiguration) throws -> TrainingRows {
    let augmentation = configuration.augment == TrialConfiguration.noAugmentation ? nil : try TrainingAugmentation(configuration.augment)
    return try rows(dataset, trainRows: trainRows, augmentation: augmentation, target: configuration.target)
  }
}
