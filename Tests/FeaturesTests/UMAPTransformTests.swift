import CMatrixKernel
import Foundation
import NeuralNetwork
import NumeraiData
import TestSupport
import Testing

@testable import Features

/// `umap:K`: UMAP as umap-learn 0.5 — clusters stay apart, its pieces match umap-learn's, saved stages apply
/// bit for bit, new rows never refit, bad input is one clear error.
@Suite struct UMAPTransformTests {
  /// 10 eras × 60 rows of 20 features around 5 well-separated cluster centres.
  static let clusters = clusterData(eras: 10, rowsPerEra: 60, features: 20, clusters: 5, seed: 7)
  static let settings = UMAPSettings(components: 2, epochs: 200, seed: 3)
  static let fitted = try! UMAPTransform.fit(settings, on: clusters.data)

  /// Known answer: every point's 10 nearest embedded neighbours come from its own cluster.
  @Test func wellSeparatedClustersStaySeparated() throws {
    let t = Self.fitted
    #expect(t.initialisation == "spectral")
    let embedding = t.embedding.map(Double.init)
    let n = Self.clusters.data.rowCount
    var mixed = 0
    for i in 0..<n {
      let near = Trustworthiness.order(of: i, in: embedding, width: 2, count: n).prefix(10)
      mixed += near.filter { Self.clusters.labels[$0] != Self.clusters.labels[i] }.count
    }
    #expect(mixed == 0, "\(mixed) of \(n * 10) nearest embedded neighbours from another cluster")
  }

  /// Outputs: stable names, five equal-count bins per era.
  @Test func outputsAreBinnedPerEra() throws {
    let out = try Self.fitted.apply(to: Self.clusters.data)
    #expect(out.featureNames == ["feature_umap_001", "feature_umap_002"])
    for j in 0..<2 {
      for range in out.eraRanges {
        var counts = [Int](repeating: 0, count: 5)
        for i in range { counts[Int(out.features[i, j])] += 1 }
        #expect(counts == [12, 12, 12, 12, 12])
      }
    }
  }

  /// umap-learn's `find_ab_params` (0.5.12) for (spread, min_dist) = (1, 0), (1, 0.1), (2, 0.5).
  @Test(arguments: [
    (1.0, 0.0, 1.9328083980052901, 0.7904949736958765), (1.0, 0.1, 1.57694346046584, 0.8950608779639974),
    (2.0, 0.5, 0.2588787408320664, 1.0574997001616426),
  ])
  func curveParametersMatchUmapLearn(spread: Double, minDist: Double, a: Double, b: Double) {
    let curve = CurveParameters(minDist: minDist, spread: spread)
    #expect(abs(curve.a - a) < 1e-6 && abs(curve.b - b) < 1e-6, "a \(curve.a), b \(curve.b)")
  }

  /// NN-descent finds nearly all of the exact graph's neighbours (recall ≥ 0.95).
  @Test func nnDescentRecallsTheExactGraph() {
    let data = Self.clusterData(eras: 1, rowsPerEra: 1500, features: 20, clusters: 30, seed: 9).data
    let rows = Int8Rows(data, columns: Array(0..<20), rows: Array(0..<data.rowCount))
    let exact = NearestNeighbors.graph(of: rows, k: 15, seed: 1)
    let approximate = NearestNeighbors.graph(of: rows, k: 15, seed: 1, exactBelow: 0)
    var found = 0
    for i in 0..<rows.count {
      let truth = exact.distances[(i * 15)..<((i + 1) * 15)].max()!
      found += approximate.distances[(i * 15)..<((i + 1) * 15)].filter { $0 <= truth }.count
    }
    let recall = Double(found) / Double(rows.count * 15)
    #expect(recall >= 0.95, "recall \(recall)")
  }

  /// The fit's exact graph by the AVX2 kernel is the Swift loop's (distances and indices), with copies of a row
  /// among the rows: each row's nearest others, itself left out, ties to the lower index.
  @Test func kernelGraphIsTheLoopsGraph() {
    let data = Self.clusterData(eras: 1, rowsPerEra: 600, features: 40, clusters: 10, seed: 3).data
    let rows = Int8Rows(data, columns: Array(0..<40), rows: Array(0..<data.rowCount) + [5, 5, 7])
    #expect(ExactNeighbors.kernelMeasures(rows))
    let loop = NearestNeighbors.exact(rows, k: 14)
    let kernel = NearestNeighbors.exactByKernel(rows, k: 14)
    #expect(kernel.map { $0.map(\.0) } == loop.map { $0.map(\.0) })
    #expect(kernel.map { $0.map(\.1) } == loop.map { $0.map(\.1) })
    #expect(kernel[600].prefix(2).map(\.1) == [5, 601])
  }

  /// New rows' neighbours by the AVX2 kernel are exactly the Swift loop's (distances and indices, ties to the
  /// lower index): widths below, at and above a 32-byte step, query counts not a multiple of 4, duplicate
  /// candidates, and a row with a value outside 0…15 (measured by the loop).
  @Test(arguments: [20, 32, 705, 2376])
  func exactNeighboursMatchTheSwiftLoop(width: Int) {
    var rng = RandomSource(seed: UInt64(width))
    let candidates = Int8Rows(width: width, values: (0..<(300 * width)).map { i in
      i >= 150 * width && i < 160 * width ? Int8(truncatingIfNeeded: (i - 150 * width) % width % 5) : Int8(rng.next() % 5)
    })
    var queryValues = (0..<(37 * width)).map { _ in Int8(rng.next() % 5) }
    queryValues[5 * width + 3] = -1
    let queries = Int8Rows(width: width, values: queryValues)
    let search = ExactNeighbors(candidates)
    #expect(search.usesKernel == (mk_has_avx2_fma() == 1))
    let rows = Array(0..<37).filter { $0 != 11 }
    let found = search.nearest(queries, rows: rows, k: 15)
    candidates.values.withUnsafeBufferPointer { x in
      queries.values.withUnsafeBufferPointer { q in
        for (r, row) in rows.enumerated() {
          let exact = NearestNeighbors.query(q.baseAddress! + row * width, in: x, width: width, k: 15)
          #expect(found[r].map(\.0) == exact.map(\.0) && found[r].map(\.1) == exact.map(\.1), "row \(row)")
        }
      }
    }
  }

  /// Save → load → apply gives the same columns bit for bit; a refit with the same seed gives the same embedding.
  @Test func saveLoadApplyIsBitForBitAndFitsAreSeeded() throws {
    let loaded = try FeatureTransforms.load(try Self.fitted.encoded(), source: "umap.smt")
    #expect(loaded.spec == "umap:2")
    let reloaded = try #require(loaded as? UMAPTransform)
    #expect(reloaded.embedding == Self.fitted.embedding)
    let a = try Self.fitted.apply(to: Self.clusters.data)
    let b = try loaded.apply(to: Self.clusters.data)
    for j in 0..<a.featureCount { #expect(a.features.columnArray(j) == b.features.columnArray(j)) }
    #expect(try UMAPTransform.fit(Self.settings, on: Self.clusters.data).embedding == Self.fitted.embedding)
  }

  /// Fitted on a sample, the rest placed: the sample keeps its embedding (a duplicate row its first copy's), a new row gets the same values
  /// alone or among others and after a reload, and lands among its own cluster's fitted rows.
  @Test func newRowsArePlacedWithoutRefitting() throws {
    var settings = Self.settings
    settings.fitRows = 300
    let t = try UMAPTransform.fit(settings, on: Self.clusters.data)
    #expect(t.sample.count == 300)
    let sampled = UMAPTransform.sampleRows(Self.clusters.data.rowCount, settings)
    let all = try t.embed(Self.clusters.data)
    for (r, i) in sampled.enumerated() {  // a fitted row's own embedding (its first copy's, for duplicate rows)
      let first = try #require(t.fittedRow[t.sample.row(r)])
      #expect(first <= r && Array(all[(i * 2)..<(i * 2 + 2)]) == Array(t.embedding[(first * 2)..<(first * 2 + 2)]))
    }
    let unsampled = Array(Set(0..<Self.clusters.data.rowCount).subtracting(sampled)).sorted()
    let alone = try t.embed(Self.subset(Self.clusters.data, rows: [unsampled[5]]))
    #expect(alone == Array(all[(unsampled[5] * 2)..<(unsampled[5] * 2 + 2)]))
    let reloaded = try FeatureTransforms.load(try t.encoded(), source: "umap.smt") as! UMAPTransform
    #expect(try reloaded.embed(Self.clusters.data) == all)
    let embedding = t.embedding.map(Double.init)
    var misplaced = 0
    for i in unsampled {
      let point = all[(i * 2)..<(i * 2 + 2)].map(Double.init)
      let nearest = (0..<300).min { a, b in
        hypot(embedding[a * 2] - point[0], embedding[a * 2 + 1] - point[1])
          < hypot(embedding[b * 2] - point[0], embedding[b * 2 + 1] - point[1])
      }!
      if Self.clusters.labels[sampled[nearest]] != Self.clusters.labels[i] { misplaced += 1 }
    }
    #expect(misplaced == 0, "\(misplaced) of \(unsampled.count) new rows nearest another cluster's row")
  }

  /// One line each: a missing input feature, K out of range, fewer rows than neighbours.
  @Test func badInputGetsOneClearError() throws {
    let fewer = Self.subset(Self.clusters.data, rows: Array(0..<10), features: 19)
    #expect(throws: FeatureTransformError.missingInput(spec: "umap:2", feature: "feature_19")) {
      try Self.fitted.apply(to: fewer)
    }
    #expect(throws: FeatureTransformError.badSpec("umap:101", expected: "1…100 components")) {
      try FeatureTransforms.fit("umap:101", on: Self.clusters.data)
    }
    #expect(throws: FeatureTransformError.badSpec("umap:0", expected: "1…100 components")) {
      try FeatureTransforms.fit("umap:0", on: Self.clusters.data)
    }
    #expect(
      throws: FeatureTransformError.badSpec("umap:2", expected: "more rows than neighbours (15); the data has 10 rows")
    ) {
      try FeatureTransforms.fit("umap:2", on: fewer)
    }
    #expect(
      FeatureTransformError.badSpec("umap:2", expected: "more rows than neighbours (15); the data has 10 rows")
        .description
        == "feature stage 'umap:2': expected more rows than neighbours (15); the data has 10 rows")
  }

  // MARK: - Against scikit-learn and umap-learn

  /// `Trustworthiness` equals `sklearn.manifold.trustworthiness` (k = 10) to 1e-9 on tie-free data.
  @Test func trustworthinessMatchesScikitLearn() throws {
    try PythonPeer.require(modules: ["sklearn", "numpy"], packages: ["scikit-learn", "numpy"])
    var rng = RandomSource(seed: 21)
    let (n, width) = (200, 8)
    let x = (0..<(n * width)).map { _ in UMAPTransform.normal(&rng) }
    var y: [Double] = []
    for i in 0..<n {
      let noise: Double = 0.5 * UMAPTransform.normal(&rng)
      y += [x[i * width] + noise, x[i * width + 1] - x[i * width + 2]]
    }
    let ours = Trustworthiness.score(input: x, width: width, embedding: y, dim: 2, neighbors: 10)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    try Self.writeCSV(x, width: width, to: directory.file("x.csv"))
    try Self.writeCSV(y, width: 2, to: directory.file("y.csv"))
    let output = try PythonPeer.run(
      script: """
        import sys, numpy as np
        from sklearn.manifold import trustworthiness
        x = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
        y = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
        print(repr(float(trustworthiness(x, y, n_neighbors=10))))
        """, arguments: [directory.file("x.csv"), directory.file("y.csv")])
    let theirs = try #require(Double(output.trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(abs(ours - theirs) <= 1e-9, "ours \(ours), scikit-learn \(theirs)")
    #expect(ours > 0.5 && ours < 1)
  }

  /// On 1000 clustered int8 rows × 20 features, our embedding's trustworthiness (scikit-learn's, k = 10) is
  /// within 0.01 of umap-learn's with the same settings (n_neighbors 15, min_dist 0, 2 components).
  @Test func trustworthinessMatchesUmapLearn() throws {
    try PythonPeer.require(modules: ["umap", "sklearn", "numpy"], packages: ["umap-learn", "scikit-learn", "numpy"])
    let data = Self.clusterData(eras: 10, rowsPerEra: 100, features: 20, clusters: 10, seed: 13, noise: 0.5).data
    let ours = try UMAPTransform.fit(UMAPSettings(components: 2, seed: 1), on: data)
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let x = (0..<data.rowCount).flatMap { i in (0..<data.featureCount).map { Double(data.features[i, $0]) } }
    try Self.writeCSV(x, width: data.featureCount, to: directory.file("x.csv"))
    try Self.writeCSV(ours.embedding.map(Double.init), width: 2, to: directory.file("ours.csv"))
    let output = try PythonPeer.run(
      script: """
        import sys, numpy as np, umap
        from sklearn.manifold import trustworthiness
        x = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
        ours = np.loadtxt(sys.argv[2], delimiter=",", ndmin=2)
        theirs = umap.UMAP(n_neighbors=15, min_dist=0.0, n_components=2, random_state=1).fit_transform(x)
        print(trustworthiness(x, ours, n_neighbors=10), trustworthiness(x, theirs, n_neighbors=10))
        """, arguments: [directory.file("x.csv"), directory.file("ours.csv")])
    let values = output.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
    try #require(values.count == 2, "\(output)")
    #expect(abs(values[0] - values[1]) <= 0.01, "trustworthiness: ours \(values[0]), umap-learn \(values[1])")
  }

  static func writeCSV(_ values: [Double], width: Int, to path: String) throws {
    var csv = ""
    for i in 0..<(values.count / width) {
      csv += values[(i * width)..<((i + 1) * width)].map { "\($0)" }.joined(separator: ",") + "\n"
    }
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
  }

  // MARK: - Data

  /// Rows around `clusters` random centres (features 0…4), each feature moved ±1 with probability `noise`; labels per row.
  static func clusterData(
    eras: Int, rowsPerEra: Int, features: Int, clusters: Int, seed: UInt64, noise: Double = 0.3
  ) -> (data: Dataset, labels: [Int]) {
    var rng = RandomSource(seed: seed)
    let centres = (0..<clusters).map { _ in (0..<features).map { _ in Int(rng.next() % 5) } }
    let rows = eras * rowsPerEra
    var columns = [[Int8]](repeating: [Int8](repeating: 0, count: rows), count: features)
    var labels: [Int] = []
    for i in 0..<rows {
      let c = Int(rng.next() % UInt64(clusters))
      labels.append(c)
      for j in 0..<features {
        let noise = rng.nextUnit() < noise ? (rng.next() % 2 == 0 ? -1 : 1) : 0
        columns[j][i] = Int8(max(0, min(4, centres[c][j] + noise)))
      }
    }
    let data = Dataset(
      ids: StringColumn((0..<rows).map { "r\($0)" }), eras: (0..<eras).map { String(format: "era%03d", $0) },
      eraRanges: (0..<eras).map { ($0 * rowsPerEra)..<(($0 + 1) * rowsPerEra) },
      featureNames: (0..<features).map { "feature_\($0)" },
      features: ColumnMajorMatrix(columns: columns, rowCount: rows),
      targetNames: [], targets: ColumnMajorMatrix(columns: [], rowCount: rows))
    return (data, labels)
  }

  /// `rows` of `d` as one era, over its first `features` features.
  static func subset(_ d: Dataset, rows: [Int], features: Int? = nil) -> Dataset {
    let width = features ?? d.featureCount
    return Dataset(
      ids: d.ids.gathering(rows), eras: ["live"], eraRanges: [0..<rows.count],
      featureNames: Array(d.featureNames.prefix(width)),
      features: ColumnMajorMatrix(
        columns: (0..<width).map { j in rows.map { d.features[$0, j] } }, rowCount: rows.count),
      targetNames: [], targets: ColumnMajorMatrix(columns: [], rowCount: rows.count))
  }
}
