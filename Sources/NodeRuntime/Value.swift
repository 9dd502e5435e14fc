package import Wire

/// A JSON value of a message: read it with the typed getters, put it into a reply or a call as it
/// came (written as Python's `json.dumps` prints it), or keep it. How it is stored is the
/// runtime's business and may change; build one with a literal (`5`, `"x"`, `[1, 2]`,
/// `["key": 1]`) or the static makers.
public struct Value: Hashable, Sendable, CustomStringConvertible {
  /// A tree, or a value of a message read from its bytes, passed through as it came (written by
  /// transcoding its bytes; parsed only when read).
  enum Storage: Sendable {
    case tree(JSON)
    case raw(RawValue)
  }

  var storage: Storage

  /// The parsed tree behind the value (parsed on each read for a passed-through value).
  package var json: JSON {
    get {
      switch storage {
      case .tree(let j): return j
      case .raw(let r): return r.parsed()
      }
    }
    set { storage = .tree(newValue) }
  }

  /// Wraps a parsed value.
  package init(_ json: JSON) { storage = .tree(json) }

  /// Wraps a value passed through from a message read from its bytes.
  package init(raw: RawValue) { storage = .raw(raw) }

  /// A body field of a message read from its bytes: a number, a boolean or `null` becomes a
  /// tree (an integer costs no allocation), so keeping one does not keep its whole message; a
  /// string, an array or an object stays raw, to be transcoded if it is passed on (keeping one
  /// keeps its message's bytes, sized to the message).
  init(field: RawValue) {
    switch field.kind {
    case .string, .array, .object: storage = .raw(field)
    default: storage = .tree(field.parsed())
    }
  }

  /// Whether two values are equal as trees (as Python compares what `json.loads` returns).
  public static func == (a: Value, b: Value) -> Bool { a.json == b.json }

  /// Hashes the tree, so equal values hash alike however they are held.
  public func hash(into h: inout Hasher) { json.hash(into: &h) }

  /// `null`.
  public static let null = Value(.null)

  /// `true` or `false`.
  public static func bool(_ b: Bool) -> Value { Value(.bool(b)) }

  /// An integer.
  public static func int(_ i: Int) -> Value { Value(.int(i)) }

  /// A finite floating-point number, printed as Python's `repr` prints it (`1.0`, `1e-05`).
  public static func double(_ d: Double) -> Value {
    precondition(d.isFinite, "JSON has no NaN or infinity")
    return Value(.double(d))
  }

  /// A string.
  public static func string(_ s: String) -> Value { Value(.string(s)) }

  /// An array of `items`, in order.
  public static func array(_ items: [Value]) -> Value { Value(.array(items.map(\.json))) }

  /// An object of `fields`, keys in the order given (a repeated key keeps its first place and its
  /// last value, as Python's `dict`).
  public static func object(_ fields: KeyValuePairs<String, Value>) -> Value {
    var o = JSONObject()
    o.fields.reserveCapacity(fields.count)
    for (k, v) in fields { o[k] = v.json }
    return Value(.object(o))
  }

  /// An object built at run time from `fields`, in order.
  public static func object(_ fields: [(key: String, value: Value)]) -> Value {
    var o = JSONObject()
    o.fields.reserveCapacity(fields.count)
    for (k, v) in fields { o[k] = v.json }
    return Value(.object(o))
  }

  /// True for `null`.
  public var isNull: Bool {
    if case .raw(let r) = storage { return r.isNull }
    return json == .null
  }

  /// The boolean, if this is one.
  public var boolValue: Bool? {
    if case .bool(let b) = json { return b }
    return nil
  }

  /// The integer, if this is an integer that fits in `Int`.
  public var intValue: Int? { json.intValue }

  /// The number as a `Double`, if this is a number.
  public var doubleValue: Double? { json.doubleValue }

  /// The string, if this is one (read from its bytes when passed through, with no tree).
  public var stringValue: String? {
    if case .raw(let r) = storage { return r.stringValue }
    return json.stringValue
  }

  /// The elements, if this is an array.
  public var arrayValue: [Value]? { json.arrayValue?.map(Value.init) }

  /// True when this is an object.
  public var isObject: Bool { json.objectValue != nil }

  /// The keys in order, if this is an object.
  public var keys: [String]? { json.objectValue?.fields.map(\.key) }

  /// The fields in order, if this is an object.
  public var fields: [(key: String, value: Value)]? {
    json.objectValue?.fields.map { ($0.key, Value($0.value)) }
  }

  /// The field `key`, if this is an object that has it.
  public subscript(key: String) -> Value? { json.objectValue?[key].map(Value.init) }

  /// The element at `index`, if this is an array that long.
  public subscript(index: Int) -> Value? {
    guard let a = json.arrayValue, a.indices.contains(index) else { return nil }
    return Value(a[index])
  }

  /// The kind of value, for error texts: `null`, `boolean`, `number`, `string`, `array`, `object`.
  public var kindName: String { json.kindName }

  /// The value as one line of JSON, exactly as Python's `json.dumps` prints it.
  public var description: String {
    if case .raw(let r) = storage { return r.pythonText }
    return json.pythonText
  }

  /// The value of JSON `text`, or nil when it is not JSON.
  public init?(parsing text: String) {
    guard let v = try? JSON.parse(text) else { return nil }
    storage = .tree(v)
  }
}

extension Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  /// An integer literal.
  public init(integerLiteral i: Int) { storage = .tree(.int(i)) }
  /// A floating-point literal.
  public init(floatLiteral d: Double) { self = .double(d) }
  /// A string literal.
  public init(stringLiteral s: String) { storage = .tree(.string(s)) }
  /// `true` or `false`.
  public init(booleanLiteral b: Bool) { storage = .tree(.bool(b)) }
  /// An array literal.
  public init(arrayLiteral items: Value...) { self = .array(items) }
  /// An object literal, keys in the order written.
  public init(dictionaryLiteral fields: (String, Value)...) {
    self = .object(fields.map { (key: $0.0, value: $0.1) })
  }
}

extension LineWriter {
  /// Writes a body field from a `Value`: a passed-through one transcoded from its bytes.
  mutating func field(_ key: String, _ value: Value) {
    switch value.storage {
    case .tree(let j): field(key, j)
    case .raw(let r): field(key, r)
    }
  }
}
