import LinearAlgebra

// Elementwise sums under names that cannot be confused with Array's concatenation `+`.
@inline(__always) func plus(_ a: [Double], _ b: [Double]) -> [Double] { var c = a; c.add(b); return c }
@inline(__always) func minus(_ a: [Double], _ b: [Double]) -> [Double] { var c = a; c.add(b, scaledBy: -1); return c }
