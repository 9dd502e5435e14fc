/// A JSON value as Python's `json.loads` sees it: object keys keep their order, and integers keep
/// their exact value at any size.
public enum JSON: Hashable, Sendable {
  /// `null`.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// An integer that fits in `Int` (64 bits); `-0` parses as `0`, as in Python.
  case int(Int)
  /// An integer outside `Int`'s range, kept as its decimal text (`-` sign, no leading zeros).
  case bigInt(String)
  /// A number with a fraction or an exponent; always finite.
  case double(Double)
  /// A string of Unicode scalars.
  case string(String)
  /// An array.
  case array([JSON])
  /// An object, with its keys in document order.
  case object(JSONObject)
}

/// A JSON object: fields in document order, each key at most once (a repeated key keeps its first
/// position and its last value, as Python's `dict` does).
public struct JSONObject: Hashable, Sendable {
  /// One key and its value.
  public struct Field: Hashable, Sendable {
    /// The field's key.
    public var key: String
    /// The field's value.
    public var value: JSON

    /// Makes a field.
    @inlinable public init(_ key: String, _ value: JSON) {
      self.key = key
      self.value = value
    }
  }

  /// The fields in order.
  public var fields: [Field]

  /// An empty object.
  @inlinable public init() { fields = [] }

  /// An object of `fields`, which must have distinct keys.
  @inlinable public init(_ fields: [Field]) { self.fields = fields }

  /// The number of fields.
  @inlinable public var count: Int { fields.count }

  /// The index of `key`'s field; a linear scan, which beats hashing for the handful of keys a
  /// message body has.
  @inlinable public func index(of key: String) -> Int? {
    fields.firstIndex { $0.key == key }
  }

  /// The value of `key`; setting a value replaces it in place or appends a new field, and setting
  /// nil removes the field.
  @inlinable public subscript(key: String) -> JSON? {
    get {
      for f in fields where f.key == key { return f.value }
      return nil
    }
    set {
      if let i = index(of: key) {
        if let v = newValue { fields[i].value = v } else { fields.remove(at: i) }
      } else if let v = newValue {
        fields.append(Field(key, v))
      }
    }
  }

  /// Appends a field without looking for an existing key: for building bodies whose keys are
  /// known to be distinct.
  @inlinable public mutating func append(_ key: String, _ value: JSON) {
    fields.append(Field(key, value))
  }
}

extension JSON {
  /// The string, if this is a string.
  @inlinable public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The object, if this is an object.
  @inlinable public var objectValue: JSONObject? {
    if case .object(let o) = self { return o }
    return nil
  }

  /// The array, if this is an array.
  @inlinable public var arrayValue: [JSON]? {
    if case .array(let a) = self { return a }
    return nil
  }

  /// The integer, if this is an integer that fits in `Int`.
  @inlinable public var intValue: Int? {
    if case .int(let i) = self { return i }
    return nil
  }

  /// The number as a `Double`, if this is a number (big integers round to nearest).
  @inlinable public var doubleValue: Double? {
    switch self {
    case .int(let i): return Double(i)
    case .double(let d): return d
    case .bigInt(let s): return Double(s)
    default: return nil
    }
  }

  /// The name of the value's kind, for error texts: `null`, `boolean`, `number`, `string`,
  /// `array` or `object`.
  public var kindName: String {
    switch self {
    case .null: return "null"
    case .bool: return "boolean"
    case .int, .bigInt, .double: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }
}

extension JSON {
  /// A copy whose arrays and objects hold no spare capacity: for values kept long (a call's
  /// payload, kept for its retries), since the parser reserves room for a typical body.
  public func compacted() -> JSON {
    switch self {
    case .array(let items): return .array(items.map { $0.compacted() })
    case .object(let o): return .object(o.compacted())
    default: return self
    }
  }
}

extension JSONObject {
  /// A copy whose fields, and every array and object inside them, hold no spare capacity.
  public func compacted() -> JSONObject {
    JSONObject(fields.map { Field($0.key, $0.value.compacted()) })
  }
}
