/// The footer's flat, depth-first schema list as a tree: each group with its children, each leaf with
/// the index of its column chunk.
struct SchemaTree {
  let element: FileMetaData.SchemaElement
  let children: [SchemaTree]
  /// The index of this node's first leaf column (the column chunk order is the leaves' depth-first order).
  let firstColumn: Int
  /// Leaf columns under this node (1 for a leaf).
  let columnCount: Int

  var isLeaf: Bool { children.isEmpty && element.type != nil }

  /// The root's children (the top-level fields) of a schema already checked by `ParquetFile`.
  static func topLevelFields(_ schema: [FileMetaData.SchemaElement]) throws -> [SchemaTree] {
    guard let root = schema.first else { throw CorruptData("empty schema") }
    var next = 1
    var column = 0
    return try (0..<(root.childCount ?? 0)).map { _ in try node(schema, next: &next, column: &column, depth: 1) }
  }

  /// The subtree starting at `schema[next]`, moving `next` past it.
  private static func node(
    _ schema: [FileMetaData.SchemaElement], next: inout Int, column: inout Int, depth: Int
  ) throws -> SchemaTree {
    guard next < schema.count else { throw CorruptData("the schema declares more fields than its elements") }
    guard depth <= 100 else { throw CorruptData("schema groups nested more than 100 deep") }
    let e = schema[next]
    next += 1
    let first = column
    // The same test as ParquetFile's leaf listing: a group has children or no physical type.
    guard let count = e.childCount, count > 0 || e.type == nil else {
      column += 1
      return SchemaTree(element: e, children: [], firstColumn: first, columnCount: 1)
    }
    let children = try (0..<count).map { _ in try node(schema, next: &next, column: &column, depth: depth + 1) }
    return SchemaTree(element: e, children: children, firstColumn: first, columnCount: column - first)
  }
}
