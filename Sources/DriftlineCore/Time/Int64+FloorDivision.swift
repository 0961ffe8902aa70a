extension Int64 {
    /// Quotient and remainder rounded towards minus infinity (the remainder is never negative for a
    /// positive divisor), so instants before 1970 fall on the day and second they belong to.
    package func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let (q, r) = quotientAndRemainder(dividingBy: divisor)
        return r < 0 ? (q - 1, r + divisor) : (q, r)
    }
}
