import Testing

@testable import NumeraiData

@Suite struct DatasetTests {
  static func small() -> Dataset {
    let features = ColumnMajorMatrix<Int8>(columns: [[0, 1, 2, 3, 4], [4, 4, 0, 0, 2]], rowCount: 5)
    let targets = ColumnMajorMatrix<Float>(columns: [[0.5, .nan, 1, 0, 0.25]], rowCount: 5)
    return Dataset(
      ids: StringColumn(["a", "b", "c", "d", "e"]), eras: ["0001", "0002", "0010"],
      eraRanges: [0..<2, 2..<4, 4..<5], featureNames: ["feature_x", "feature_y"], features: features,
      targetNames: ["target"], targets: targets)
  }

  @Test func columnMajorLayout() {
    let data = Self.small()
    #expect(data.features.columnArray(1) == [4, 4, 0, 0, 2])
    #expect(data.features[3, 0] == 3)
    #expect(data.targets[1, 0].isNaN)
    #expect(data.features.byteCount == 10)
  }

  @Test func lentMemoryMatchesTheSafeAccessors() {
    let data = Self.small()
    let all = data.features.withUnsafeElements { Array($0) }
    #expect(all == [0, 1, 2, 3, 4, 4, 4, 0, 0, 2])
    for j in 0..<data.featureCount {
      let lent = data.features.withUnsafeColumn(j) { Array($0) }
      #expect(lent == data.features.columnArray(j))
      #expect(lent == (0..<data.rowCount).map { data.features[$0, j] })
    }
    #expect(data.targets.withUnsafeColumn(0) { $0.count } == 5)
  }

  @Test func eraLookupAndRows() {
    let data = Self.small()
    #expect(data.eraIndex(of: "0002") == 1)
    #expect(data.eraIndex(of: "0003") == nil)
    #expect(data.eraIndex(of: "0010") == 2)
    #expect(data.rows(ofEras: [2, 0]) == [0, 1, 4])
  }

  @Test func stringColumnRoundTrip() {
    let column = StringColumn(["n0001", "", "é✓", "x"])
    #expect(Array(column) == ["n0001", "", "é✓", "x"])
    #expect(Array(column.gathering([3, 0])) == ["x", "n0001"])
  }
}
