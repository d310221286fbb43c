import Foundation
import NumeraiData

/// A trained ensemble of regression trees: predicts a Dataset by feature name, saves and loads itself, and
/// writes LightGBM's text model format.
public final class BoostedModel: Sendable, Codable {
  /// The training data's feature names; trees refer to features by index into this list.
  public let featureNames: [String]
  /// The smallest and largest value of each feature in training (nil: not seen), for model.txt.
  public let featureRanges: [ClosedRange<Int>?]
  /// The trees; the first carries the initial score.
  public let trees: [Tree]
  /// The parameters it was trained with.
  public let parameters: BoostingParameters
  /// Labelled rows it was trained on.
  public let trainingRows: Int

  init(featureNames: [String], featureRanges: [ClosedRange<Int>?], trees: [Tree], parameters: BoostingParameters, trainingRows: Int) {
    self.featureNames = featureNames
    self.featureRanges = featureRanges
    self.trees = trees
    self.parameters = parameters
    self.trainingRows = trainingRows
  }

  /// Predictions for `rows` of `dataset` (all rows when nil), in that order; features are found by name.
  ///
  /// - Complexity: O(rows × trees × depth), rows in blocks spread over `threads` threads.
  public func predict(_ dataset: Dataset, rows: [Int]? = nil, threads: Int = 2) throws -> [Double] {
    let used = Set(trees.flatMap { $0.splitFeature.map(Int.init) })
    var columnOf = [Int](repeating: -1, count: featureNames.count)
    for f in used {
      guard let j = dataset.featureIndex(named: featureNames[f]) else {
        throw BoostingError("the data has no column '\(featureNames[f])', which the model splits on")
      }
      columnOf[f] = j
    }
    let rows = rows ?? Array(0..<dataset.rowCount)
    var out = [Double](repeating: 0, count: rows.count)
    let blockSize = 2048
    let blocks = (rows.count + blockSize - 1) / blockSize
    // The feature matrix is immutable while the dataset lives; workers only read it.
    nonisolated(unsafe) let base = dataset.features.baseAddress
    let n = dataset.rowCount
    let trees = self.trees
    let columns = columnOf
    out.withUnsafeMutableBufferPointer { result in
      nonisolated(unsafe) let result = result
      // Blocks are disjoint ranges of the output.
      DispatchQueue.concurrentPerform(iterations: max(1, min(threads, blocks))) { worker in
        for block in stride(from: worker, to: blocks, by: max(1, min(threads, blocks))) {
          let range = (block * blockSize)..<min(rows.count, (block + 1) * blockSize)
          for tree in trees {
            for i in range {
              let row = rows[i]
              let leaf = tree.leaf { f in base[columns[f] * n + row] }
              result[i] += tree.leafValue[leaf]
            }
          }
        }
      }
    }
    return out
  }

  // MARK: - Persistence

  /// Saves the model in SignalMiner's compact binary format (a binary property list).
  public func save(to path: String) throws {
    let encoder = PropertyListEncoder()
    encoder.outputFormat = .binary
    do { try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
      throw BoostingError("\(path): cannot write the model (\(error.localizedDescription))")
    }
  }

  /// Loads a model saved by `save(to:)`.
  public static func load(from path: String) throws -> BoostedModel {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
      throw BoostingError("\(path): cannot read the model (\(error.localizedDescription))")
    }
    do { return try PropertyListDecoder().decode(BoostedModel.self, from: data) } catch {
      throw BoostingError("\(path): not a SignalMiner model")
    }
  }

  // MARK: - LightGBM's model.txt

  /// The model in LightGBM's text format, which `lightgbm.Booster(model_file=…)` loads and predicts alike.
  public func lightGBMModelText() -> String {
    func number(_ x: Double) -> String {
      if x == .infinity { return "inf" }
      return "\(x)"
    }
    func short(_ x: Double) -> String { String(format: "%g", x) }
    var treeTexts: [String] = []
    for (index, tree) in trees.enumerated() {
      var t = "Tree=\(index)\nnum_leaves=\(tree.leafCountTotal)\nnum_cat=0\n"
      if tree.leafCountTotal > 1 {
        t += "split_feature=\(tree.splitFeature.map(String.init).joined(separator: " "))\n"
        t += "split_gain=\(tree.splitGain.map(short).joined(separator: " "))\n"
        t += "threshold=\(tree.threshold.map(number).joined(separator: " "))\n"
        t += "decision_type=\(tree.splitFeature.map { _ in "2" }.joined(separator: " "))\n"
        t += "left_child=\(tree.leftChild.map(String.init).joined(separator: " "))\n"
        t += "right_child=\(tree.rightChild.map(String.init).joined(separator: " "))\n"
      }
      t += "leaf_value=\(tree.leafValue.map(number).joined(separator: " "))\n"
      if tree.leafCountTotal > 1 {
        t += "leaf_weight=\(tree.leafWeight.map(short).joined(separator: " "))\n"
        t += "leaf_count=\(tree.leafCount.map(String.init).joined(separator: " "))\n"
        t += "internal_value=\(tree.internalValue.map(short).joined(separator: " "))\n"
        t += "internal_weight=\(tree.internalWeight.map(short).joined(separator: " "))\n"
        t += "internal_count=\(tree.internalCount.map(String.init).joined(separator: " "))\n"
      }
      t += "is_linear=0\nshrinkage=\(index == 0 ? 1 : parameters.learningRate)\n\n\n"
      treeTexts.append(t)
    }
    var header = "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\nlabel_index=0\n"
    header += "max_feature_idx=\(featureNames.count - 1)\nobjective=regression\n"
    header += "feature_names=\(featureNames.joined(separator: " "))\n"
    header += "feature_infos=\(featureRanges.map { $0.map { "[\($0.lowerBound):\($0.upperBound)]" } ?? "none" }.joined(separator: " "))\n"
    header += "tree_sizes=\(treeTexts.map { String($0.utf8.count) }.joined(separator: " "))\n\n"
    var text = header + treeTexts.joined() + "end of trees\n\n"
    text += "parameters:\n"
    for (name, value) in parameters.lightGBMPairs { text += "[\(name): \(value)]\n" }
    text += "end of parameters\n\npandas_categorical:null\n"
    return text
  }
}
