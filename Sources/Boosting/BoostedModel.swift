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
  /// The hot loop of prediction: the trees are flattened into one node array whose features are indices into
  /// the features the model uses, and whose leaves are nodes that lead to themselves; rows go in blocks whose
  /// used values are first copied row-wise (so a row's values sit together). Each tree then moves all rows of
  /// the block one level down at a time, as many times as the tree is deep: no branch depends on the data and
  /// the rows' steps overlap. Each row's sum runs over the trees in order, whatever the block size or thread
  /// count.
  /// - Complexity: O(rows × trees × depth), blocks spread over `threads` threads.
  public func predict(_ dataset: Dataset, rows: [Int]? = nil, threads: Int = 2) throws -> [Double] {
    let used = Array(Set(trees.flatMap { $0.splitFeature.map(Int.init) })).sorted()
    var columns: [Int] = []
    for f in used {
      guard let j = dataset.featureIndex(named: featureNames[f]) else {
        throw BoostingError("the data has no column '\(featureNames[f])', which the model splits on")
      }
      columns.append(j)
    }
    let flat = FlatForest(trees, usedFeatures: used)
    let usedColumns = columns
    let rows = rows ?? Array(0..<dataset.rowCount)
    var out = [Double](repeating: 0, count: rows.count)
    let blockSize = 256
    let blocks = (rows.count + blockSize - 1) / blockSize
    let workers = max(1, min(threads, blocks))
    // The feature matrix is lent for the whole pass; workers only read it.
    let n = dataset.rowCount
    let width = max(1, usedColumns.count)
    dataset.features.withUnsafeElements { elements in
      nonisolated(unsafe) let base = elements.baseAddress!
      out.withUnsafeMutableBufferPointer { result in
        nonisolated(unsafe) let result = result
        // Blocks are disjoint ranges of the output.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
          let values = UnsafeMutablePointer<Int8>.allocate(capacity: blockSize * width)
          let nodes = UnsafeMutablePointer<Int32>.allocate(capacity: blockSize)
          defer {
            values.deallocate()
            nodes.deallocate()
          }
          flat.withPointers { forest in
            for block in stride(from: worker, to: blocks, by: workers) {
              let range = (block * blockSize)..<min(rows.count, (block + 1) * blockSize)
              for (u, column) in usedColumns.enumerated() {
                let source = base + column * n
                for i in range { values[(i - range.lowerBound) * width + u] = source[rows[i]] }
              }
              let count = range.count
              for t in 0..<forest.treeCount {
                nodes.initialize(repeating: forest.roots[t], count: count)
                for _ in 0..<forest.depths[t] {
                  for i in 0..<count {
                    let node = Int(nodes[i])
                    let goesRight = values[i &* width &+ Int(forest.features[node])] > forest.thresholds[node] ? 1 : 0
                    nodes[i] = forest.children[2 &* node &+ goesRight]
                  }
                }
                for i in 0..<count { result[range.lowerBound + i] += forest.values[Int(nodes[i])] }
              }
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
    header += "max_feature_idx=\(featureNames.count - 1)\nobjective=\(parameters.objective.lightGBMName)\n"
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

/// The trees of a model in flat arrays for prediction. Every node (internal or leaf) has a feature (an index into
/// the used features), a threshold, a pair of children and a value; a leaf's children are itself (feature 0,
/// threshold 127: it always "goes left" to itself) and its value is the leaf's output. Each tree has a root and
/// a depth (its deepest leaf's).
struct FlatForest {
  var features: [Int32] = []
  var thresholds: [Int8] = []
  var children: [Int32] = []
  var values: [Double] = []
  var roots: [Int32] = []
  var depths: [Int] = []

  init(_ trees: [Tree], usedFeatures: [Int]) {
    let index = Dictionary(uniqueKeysWithValues: usedFeatures.enumerated().map { ($1, Int32($0)) })
    for tree in trees {
      let internalBase = Int32(features.count)
      let leafBase = internalBase + Int32(tree.splitFeature.count)
      func global(_ child: Int32) -> Int32 { child >= 0 ? internalBase + child : leafBase + ~child }
      roots.append(tree.splitFeature.isEmpty ? leafBase : internalBase)
      depths.append(tree.leafDepth.max() ?? 0)
      for k in tree.splitFeature.indices {
        features.append(index[Int(tree.splitFeature[k])]!)
        thresholds.append(tree.thresholdValue[k])
        children.append(global(tree.leftChild[k]))
        children.append(global(tree.rightChild[k]))
        values.append(0)
      }
      for (leaf, value) in tree.leafValue.enumerated() {
        features.append(0)
        thresholds.append(Int8.max)
        children.append(leafBase + Int32(leaf))
        children.append(leafBase + Int32(leaf))
        values.append(value)
      }
    }
  }

  /// The arrays as pointers, for the prediction loop.
  struct Pointers {
    let features: UnsafePointer<Int32>
    let thresholds: UnsafePointer<Int8>
    let children: UnsafePointer<Int32>
    let values: UnsafePointer<Double>
    let roots: UnsafePointer<Int32>
    let depths: UnsafePointer<Int>
    let treeCount: Int
  }

  func withPointers<R>(_ body: (Pointers) -> R) -> R {
    features.withUnsafeBufferPointer { f in
      thresholds.withUnsafeBufferPointer { t in
        children.withUnsafeBufferPointer { c in
          values.withUnsafeBufferPointer { v in
            roots.withUnsafeBufferPointer { r in
              depths.withUnsafeBufferPointer { d in
                body(Pointers(
                  features: f.baseAddress!, thresholds: t.baseAddress!, children: c.baseAddress!, values: v.baseAddress!,
                  roots: r.baseAddress ?? UnsafePointer(bitPattern: 8)!, depths: d.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                  treeCount: roots.count))
              }
            }
          }
        }
      }
    }
  }
}
