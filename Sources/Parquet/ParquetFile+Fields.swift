extension ParquetFile {
  /// The names of the schema's top-level fields, in file order: flat columns and nested groups alike.
  public var fieldNames: [String] {
    (try? SchemaTree.topLevelFields(metadata.schema).map(\.element.name)) ?? []
  }

  /// Reads top-level field `name` — a LIST, MAP or STRUCT group of any depth, a repeated field, or a flat
  /// column — as one `ParquetValue` per row, assembled from its leaves' repetition and definition levels.
  ///
  /// For flat columns `readColumn` is the fast path; this one builds a value per entry.
  /// - Complexity: O(level entries × depth); holds every leaf of the field at once.
  public func readField(named name: String) throws -> [ParquetValue] {
    do {
      guard let tree = try SchemaTree.topLevelFields(metadata.schema).first(where: { $0.element.name == name }) else {
        throw CorruptData("no top-level field of that name (the file has \(fieldNames.joined(separator: ", ")))")
      }
      var builder = FieldNodeBuilder(columns: columns)
      let field = try builder.field(tree, definition: 0, repetition: 0)
      let leaves = try builder.leaves.map(readLeaf)
      return try RecordAssembler.assemble(field, leaves: leaves, rows: rowCount)
    } catch let error as CorruptData {
      throw ParquetError(path: path, column: name, reason: error.reason)
    }
  }
}
