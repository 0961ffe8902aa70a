extension Double {
    /// A whole number without a fraction (`3`, not `3.0`), any other as Swift prints it (the
    /// shortest text that reads back exactly): for class names, tables and alert annotations.
    public var plainText: String {
        isFinite && self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
