/// A field of the schema as a reader of values sees it — a leaf, a struct, or a repeated element (a list
/// or map) — with the levels that say, entry by entry, whether it is null, empty or repeated.
///
/// Built from the schema tree by Parquet's LIST and MAP rules, backward-compatibility rules included (the
/// ones pyarrow applies): a LIST group holds one repeated field; when that field is a primitive, a group
/// of several fields, or a one-field group named `array` or `<list name>_tuple`, it is itself the element
/// (2-level lists, `old_list_structure`), otherwise its only child is (3-level lists). A MAP (or
/// MAP_KEY_VALUE) group holds one repeated key/value group (which older writers annotate MAP_KEY_VALUE);
/// with a key only, it reads as a list of keys.
/// A repeated field without annotation is a list of required elements.
struct FieldNode {
  let name: String
  /// Whether the field may be null: it is when the definition level is below `definitionLevel`.
  let isOptional: Bool
  /// The definition level at which the field is present (its ancestors' plus one when optional).
  let definitionLevel: Int
  /// The leaves under this field, as indices into the top-level field's leaf list (depth-first order).
  let leaves: Range<Int>
  let kind: Kind

  indirect enum Kind {
    /// A primitive column; `maxDefinition` equals the node's `definitionLevel`.
    case leaf(ParquetColumnDescriptor)
    case group([FieldNode])
    /// Zero or more `element`s: none when the definition level is below `definitionLevel`, another one at
    /// each entry whose repetition level equals `repetitionLevel`. A map's element is its key/value group.
    case repeated(element: FieldNode, definitionLevel: Int, repetitionLevel: Int, isMap: Bool)
  }
}

/// One leaf column of a top-level field: which column chunk, and its maximum levels.
struct FieldLeaf {
  let column: Int
  let maxRepetition: Int
  let maxDefinition: Int
}

/// Builds the `FieldNode` of one top-level field and lists its leaves.
struct FieldNodeBuilder {
  let columns: [ParquetColumnDescriptor]
  private(set) var leaves: [FieldLeaf] = []

  init(columns: [ParquetColumnDescriptor]) { self.columns = columns }

  private enum Repetition: Int32 {
    case required = 0
    case optional = 1
    case repeated = 2
  }
  private enum Annotation: Int32 {
    case map = 1
    case mapKeyValue = 2
    case list = 3
  }

  /// The field for `tree`, under ancestors with `definition` and `repetition` levels. `asElement` reads a
  /// repeated field as one element of the list it forms (its repetition already counted).
  mutating func field(_ tree: SchemaTree, definition: Int, repetition: Int, asElement: Bool = false) throws
    -> FieldNode
  {
    let repetitionType = Repetition(rawValue: tree.element.repetition ?? 0) ?? .required
    if repetitionType == .repeated && !asElement {
      let element = try field(tree, definition: definition + 1, repetition: repetition + 1, asElement: true)
      return FieldNode(
        name: tree.element.name, isOptional: false, definitionLevel: definition, leaves: element.leaves,
        kind: .repeated(
          element: element, definitionLevel: definition + 1, repetitionLevel: repetition + 1, isMap: false))
    }
    let isOptional = repetitionType == .optional && !asElement
    let level = definition + (isOptional ? 1 : 0)
    let first = leaves.count
    let kind: FieldNode.Kind
    if tree.isLeaf {
      kind = .leaf(columns[tree.firstColumn])
      leaves.append(FieldLeaf(column: tree.firstColumn, maxRepetition: repetition, maxDefinition: level))
    } else {
      switch tree.element.convertedType.flatMap(Annotation.init(rawValue:)) {
      case .list: kind = try list(tree, definition: level, repetition: repetition)
      case .map: kind = try map(tree, definition: level, repetition: repetition)
      case .mapKeyValue where !asElement: kind = try map(tree, definition: level, repetition: repetition)
      case .mapKeyValue, nil:
        kind = .group(try tree.children.map { try field($0, definition: level, repetition: repetition) })
      }
    }
    return FieldNode(
      name: tree.element.name, isOptional: isOptional, definitionLevel: level, leaves: first..<leaves.count,
      kind: kind)
  }

  /// A LIST group's repeated child and the element it stands for.
  private mutating func list(_ tree: SchemaTree, definition: Int, repetition: Int) throws -> FieldNode.Kind {
    let child = try repeatedChild(of: tree, kind: "LIST")
    let isElement =
      child.isLeaf || child.children.count > 1 || child.element.name == "array"
      || child.element.name == tree.element.name + "_tuple"
    let element =
      isElement
      ? try field(child, definition: definition + 1, repetition: repetition + 1, asElement: true)
      : try field(child.children[0], definition: definition + 1, repetition: repetition + 1)
    return .repeated(element: element, definitionLevel: definition + 1, repetitionLevel: repetition + 1, isMap: false)
  }

  /// A MAP group's repeated key/value group: map entries, or a list of keys when there are no values.
  private mutating func map(_ tree: SchemaTree, definition: Int, repetition: Int) throws -> FieldNode.Kind {
    let child = try repeatedChild(of: tree, kind: "MAP")
    guard !child.isLeaf, (1...2).contains(child.children.count) else {
      throw CorruptData("MAP group '\(tree.element.name)' must hold a repeated group of a key and a value")
    }
    let isMap = child.children.count == 2
    let element =
      isMap
      ? try field(child, definition: definition + 1, repetition: repetition + 1, asElement: true)
      : try field(child.children[0], definition: definition + 1, repetition: repetition + 1)
    return .repeated(element: element, definitionLevel: definition + 1, repetitionLevel: repetition + 1, isMap: isMap)
  }

  /// The only child of a LIST or MAP group, which must be repeated.
  private func repeatedChild(of tree: SchemaTree, kind: String) throws -> SchemaTree {
    guard tree.children.count == 1, let child = tree.children.first, child.element.repetition == 2 else {
      throw CorruptData("\(kind) group '\(tree.element.name)' must hold exactly one repeated field")
    }
    return child
  }
}
