/// Rebuilds the values of one top-level field, row by row, from its leaves' repetition and definition
/// levels (the record assembly of the Dremel paper).
///
/// Every leaf keeps a cursor on its level entries. Reading a field looks at the definition level of its
/// first leaf's next entry: below the field's level, the field is null (or an empty list) and each leaf
/// under it moves one entry on; otherwise its children are read in turn, and a repeated field reads one
/// more element for as long as the next entry's repetition level is its own. Levels that contradict the
/// schema or each other (a record split between leaves, levels ending mid-record or left over after the
/// last row) throw `CorruptData`; every step consumes an entry, so bad levels cannot loop.
///
/// - Complexity: O(level entries × depth).
struct RecordAssembler {
  private struct Cursor {
    let leaf: LeafColumn
    var entry = 0
    var value = 0
  }

  private var cursors: [Cursor]

  /// The `rows` values of `field`, whose leaves are `leaves` (in the field's leaf order).
  static func assemble(_ field: FieldNode, leaves: [LeafColumn], rows: Int) throws -> [ParquetValue] {
    guard !field.leaves.isEmpty else { throw CorruptData("group '\(field.name)' holds no columns") }
    var assembler = RecordAssembler(cursors: leaves.map { Cursor(leaf: $0) })
    var values: [ParquetValue] = []
    values.reserveCapacity(rows)
    for row in 0..<rows {
      for c in assembler.cursors.indices {
        let cursor = assembler.cursors[c]
        guard cursor.entry < cursor.leaf.definition.count else {
          throw CorruptData("levels end after \(row) of \(rows) rows")
        }
        guard cursor.leaf.repetition[cursor.entry] == 0 else {
          throw CorruptData(
            "row \(row) starts with repetition level \(cursor.leaf.repetition[cursor.entry]), expected 0")
        }
      }
      values.append(try assembler.read(field))
    }
    for cursor in assembler.cursors where cursor.entry != cursor.leaf.definition.count {
      throw CorruptData("levels hold \(cursor.leaf.definition.count - cursor.entry) entries past the last row")
    }
    return values
  }

  /// The next value of `node`, all cursors under it at the start of its entries.
  private mutating func read(_ node: FieldNode) throws -> ParquetValue {
    let level = try definitionLevel(of: node.leaves.lowerBound)
    if node.isOptional && level < node.definitionLevel {
      try skip(node, below: node.definitionLevel)
      return .null
    }
    switch node.kind {
    case .leaf(let column):
      return try leafValue(node.leaves.lowerBound, column, level: level, expected: node.definitionLevel)
    case .group(let fields):
      return .struct(try fields.map { ParquetValue.Field(name: $0.name, value: try read($0)) })
    case .repeated(let element, let elementLevel, let repetitionLevel, let isMap):
      var items: [ParquetValue] = []
      if level >= elementLevel {
        repeat { items.append(try read(element)) } while try continues(node, at: repetitionLevel)
      } else {
        try skip(node, below: elementLevel)
      }
      guard isMap else { return .list(items) }
      return .map(
        try items.map { item in
          guard case .struct(let fields) = item, fields.count == 2 else {
            throw CorruptData("map entry without a key and a value")
          }
          return ParquetValue.Entry(key: fields[0].value, value: fields[1].value)
        })
    }
  }

  /// The definition level at leaf `l`'s cursor.
  private func definitionLevel(of l: Int) throws -> Int {
    let cursor = cursors[l]
    guard cursor.entry < cursor.leaf.definition.count else { throw CorruptData("levels end in the middle of a row") }
    return Int(cursor.leaf.definition[cursor.entry])
  }

  /// Moves every leaf under `node` past one entry, which must be below `level` (a null or empty field).
  private mutating func skip(_ node: FieldNode, below level: Int) throws {
    for l in node.leaves {
      guard try definitionLevel(of: l) < level else {
        throw CorruptData("leaves of '\(node.name)' disagree on whether it holds a value")
      }
      cursors[l].entry += 1
    }
  }

  /// The value at leaf `l`'s cursor, which must be defined (`level` at the leaf's maximum `expected`).
  private mutating func leafValue(_ l: Int, _ column: ParquetColumnDescriptor, level: Int, expected: Int) throws
    -> ParquetValue
  {
    guard level == expected else {
      throw CorruptData("definition level \(level) where '\(column.name)' must hold a value (level \(expected))")
    }
    let k = cursors[l].value
    cursors[l].entry += 1
    cursors[l].value += 1
    let values = cursors[l].leaf.values
    guard k < values.count else { throw CorruptData("more defined levels than values") }
    return Self.value(values, at: k, column)
  }

  /// Value `k` of a leaf's values as a `ParquetValue`, by its physical type and annotation.
  private static func value(_ values: ParquetColumnValues, at k: Int, _ column: ParquetColumnDescriptor)
    -> ParquetValue
  {
    switch values {
    case .int32(let v, _): .int(column.isSigned ? Int64(v[k]) : Int64(UInt32(bitPattern: v[k])))
    case .int64(let v, _): .int(v[k])
    case .float(let v, _): .float(v[k])
    case .double(let v, _): .double(v[k])
    case .boolean(let v, _): .bool(v[k])
    case .byteArray(let bytes, let offsets, _):
      column.isString
        ? .string(String(decoding: bytes[offsets[k]..<offsets[k + 1]], as: UTF8.self))
        : .bytes(Array(bytes[offsets[k]..<offsets[k + 1]]))
    }
  }

  /// Whether `node` holds another element: its leaves' next entries repeat at `level`. They must agree.
  private func continues(_ node: FieldNode, at level: Int) throws -> Bool {
    func repeats(_ l: Int) throws -> Bool {
      let cursor = cursors[l]
      guard cursor.entry < cursor.leaf.repetition.count else { return false }
      let r = Int(cursor.leaf.repetition[cursor.entry])
      guard r <= level else { throw CorruptData("repetition level \(r) where '\(node.name)' allows at most \(level)") }
      return r == level
    }
    let first = try repeats(node.leaves.lowerBound)
    for l in node.leaves.dropFirst() where try repeats(l) != first {
      throw CorruptData("leaves of '\(node.name)' disagree on its number of elements")
    }
    return first
  }
}
