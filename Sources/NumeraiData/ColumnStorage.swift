import Foundation

/// Contiguous, immutable storage for a column-major matrix of `Element`, owned or memory-mapped.
///
/// Element `(row, column)` lives at `column * rowCount + row`: each column is one contiguous run of
/// `rowCount` elements, which is what histogram building and per-era scoring read. Hot loops borrow the
/// memory for their whole run with `withUnsafeElements` or `withUnsafeColumn`; the subscript and
/// `columnArray(_:)` are the safe, checked accessors.
/// The storage never changes after construction, so it is safe to share across threads.
public final class ColumnMajorMatrix<Element: BitwiseCopyable>: @unchecked Sendable {
  /// Number of rows (the length of every column).
  public let rowCount: Int
  /// Number of columns.
  public let columnCount: Int
  /// The first element of column 0; `rowCount * columnCount` elements follow. Lent out only by the
  /// `withUnsafe…` methods.
  @usableFromInline let baseAddress: UnsafePointer<Element>
  private let release: @Sendable () -> Void

  /// Takes ownership of memory that `release` frees (a deallocation, an `munmap`, …).
  init(
    rowCount: Int, columnCount: Int, baseAddress: UnsafePointer<Element>,
    release: @escaping @Sendable () -> Void
  ) {
    self.rowCount = rowCount
    self.columnCount = columnCount
    self.baseAddress = baseAddress
    self.release = release
  }

  /// Allocates `rowCount × columnCount` elements and lets `fill` write them (column-major) once.
  public convenience init(
    rowCount: Int, columnCount: Int, fill: (UnsafeMutableBufferPointer<Element>) throws -> Void
  ) rethrows {
    let count = rowCount * columnCount
    let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(count, 1))
    do {
      try fill(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
    } catch {
      buffer.deallocate()
      throw error
    }
    nonisolated(unsafe) let address = UnsafeMutableRawPointer(buffer.baseAddress!)
    self.init(
      rowCount: rowCount, columnCount: columnCount, baseAddress: UnsafePointer(buffer.baseAddress!),
      release: { address.deallocate() })
  }

  /// Copies columns given as arrays (each `rowCount` long).
  public convenience init(columns: [[Element]], rowCount: Int) {
    precondition(columns.allSatisfy { $0.count == rowCount }, "every column must hold rowCount elements")
    self.init(rowCount: rowCount, columnCount: columns.count) { out in
      for (j, column) in columns.enumerated() {
        column.withUnsafeBufferPointer { source in
          _ = UnsafeMutableBufferPointer(rebasing: out[(j * rowCount)..<((j + 1) * rowCount)]).initialize(
            fromContentsOf: source)
        }
      }
    }
  }

  deinit { release() }

  // MARK: - Borrowing the memory

  /// Calls `body` with all `rowCount × columnCount` elements, column-major.
  ///
  /// The buffer is valid only inside `body`; take it once around a hot loop, not per element.
  @inlinable
  public func withUnsafeElements<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
    try body(UnsafeBufferPointer(start: baseAddress, count: rowCount * columnCount))
  }

  /// Calls `body` with column `j`: `rowCount` contiguous elements, valid only inside `body`.
  @inlinable
  public func withUnsafeColumn<R>(_ j: Int, _ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
    precondition(j >= 0 && j < columnCount, "column \(j) out of 0..<\(columnCount)")
    return try body(UnsafeBufferPointer(start: baseAddress + j * rowCount, count: rowCount))
  }

  // MARK: - Safe accessors

  /// A copy of column `j` (`rowCount` elements).
  ///
  /// - Complexity: O(rowCount).
  public func columnArray(_ j: Int) -> [Element] {
    withUnsafeColumn(j) { Array($0) }
  }

  /// The element at `(row, column)`.
  @inlinable
  public subscript(row: Int, column: Int) -> Element {
    precondition(row >= 0 && row < rowCount && column >= 0 && column < columnCount)
    return baseAddress[column * rowCount + row]
  }

  /// Total size of the elements in bytes.
  public var byteCount: Int { rowCount * columnCount * MemoryLayout<Element>.stride }
}

/// Many short strings (row ids, data types) in one byte buffer plus offsets, instead of one heap object each.
///
/// String `i` is the UTF-8 bytes `bytes[offsets[i]..<offsets[i + 1]]`.
public struct StringColumn: Sendable, Equatable, RandomAccessCollection {
  /// The UTF-8 bytes of all strings, back to back.
  public private(set) var bytes: [UInt8]
  /// `count + 1` offsets into `bytes`; the first is 0.
  public private(set) var offsets: [Int]

  /// An empty column.
  public init() {
    bytes = []
    offsets = [0]
  }

  /// A column holding `strings` in order.
  public init<S: Sequence>(_ strings: S) where S.Element == String {
    self.init()
    for string in strings { append(string) }
  }

  /// Builds a column from raw parts; `offsets` must start at 0, never decrease, and end at `bytes.count`.
  public init(bytes: [UInt8], offsets: [Int]) {
    precondition(offsets.first == 0 && offsets.last == bytes.count, "offsets must span the bytes")
    self.bytes = bytes
    self.offsets = offsets
  }

  /// Appends one string.
  public mutating func append(_ string: String) {
    bytes.append(contentsOf: string.utf8)
    offsets.append(bytes.count)
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { offsets.count - 1 }

  public subscript(i: Int) -> String {
    String(decoding: bytes[offsets[i]..<offsets[i + 1]], as: UTF8.self)
  }

  /// The strings at `indices`, in that order.
  public func gathering<C: Collection>(_ indices: C) -> StringColumn where C.Element == Int {
    var result = StringColumn()
    result.bytes.reserveCapacity(indices.count * 16)
    result.offsets.reserveCapacity(indices.count + 1)
    for i in indices {
      result.bytes.append(contentsOf: bytes[offsets[i]..<offsets[i + 1]])
      result.offsets.append(result.bytes.count)
    }
    return result
  }
}
