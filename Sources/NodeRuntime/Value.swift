package import Wire

/// A JSON value of a message: read it with the typed getters, put it into a reply or a call as it
/// came (written as Python's `json.dumps` prints it), or keep it. How it is stored is the
/// runtime's business and may change; build one with a literal (`5`, `"x"`, `[1, 2]`,
/// `["key": 1]`) or the static makers.
public struct Value: Hashable, Sendable, CustomStringConvertible {
  /// The parsed tree behind the value.
  package var json: JSON

  /// Wraps a parsed value.
  package init(_ json: JSON) { self.json = json }

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
  public var isNull: Bool { json == .null }

  /// The boolean, if this is one.
  public var boolValue: Bool? {
    if case .bool(let b) = json { return b }
    return nil
  }

  /// The integer, if this is an integer that fits in `Int`.
  public var intValue: Int? { json.intValue }

  /// The number as a `Double`, if this is a number.
  public var doubleValue: Double? { json.doubleValue }

  /// The string, if this is one.
  public var stringValue: String? { json.stringValue }

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
  public var description: String { json.pythonText }

  /// The value of JSON `text`, or nil when it is not JSON.
  public init?(parsing text: String) {
    guard let v = try? JSON.parse(text) else { return nil }
    json = v
  }
}

extension Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  /// An integer literal.
  public init(integerLiteral i: Int) { json = .int(i) }
  /// A floating-point literal.
  public init(floatLiteral d: Double) { self = .double(d) }
  /// A string literal.
  public init(stringLiteral s: String) { json = .string(s) }
  /// `true` or `false`.
  public init(booleanLiteral b: Bool) { json = .bool(b) }
  /// An array literal.
  public init(arrayLiteral items: Value...) { self = .array(items) }
  /// An object literal, keys in the order written.
  public init(dictionaryLiteral fields: (String, Value)...) {
    self = .object(fields.map { (key: $0.0, value: $0.1) })
  }
}
