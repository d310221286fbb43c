/// The ascending order of doubles by least-significant-digit radix sort on order-preserving 64-bit keys.
///
/// A rank needs only the sorted order; for the few thousand rows of an era this is several times faster than a
/// comparison sort through an index array. Byte passes in which every key has the same digit are skipped.
/// Values must not be NaN; −0.0 sorts just before +0.0 (they stay adjacent, so ties are still found by `==`).
///
/// - Complexity: O(8·(n + 256)).
enum RadixOrder {
  static func ascending(_ values: [Double]) -> [Int32] {
    let n = values.count
    precondition(n < Int(Int32.max), "too many values for 32-bit indices")
    var keys = [UInt64](repeating: 0, count: n)
    var order = [Int32](repeating: 0, count: n)
    var scratchKeys = [UInt64](repeating: 0, count: n)
    var scratchOrder = [Int32](repeating: 0, count: n)
    var counts = [Int](repeating: 0, count: 8 * 256)
    values.withUnsafeBufferPointer { v in
      keys.withUnsafeMutableBufferPointer { k in
        order.withUnsafeMutableBufferPointer { o in
          counts.withUnsafeMutableBufferPointer { c in
            for i in 0..<n {
              let bits = v[i].bitPattern
              let key = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
              k[i] = key
              o[i] = Int32(i)
              for d in 0..<8 { c[d * 256 + Int((key >> (8 * UInt64(d))) & 0xFF)] += 1 }
            }
          }
        }
      }
    }
    for d in 0..<8 {
      let base = d * 256
      // Skip a pass when one digit value holds every key.
      if counts[base + Int((keys[0] >> (8 * UInt64(d))) & 0xFF)] == n { continue }
      keys.withUnsafeMutableBufferPointer { k in
        order.withUnsafeMutableBufferPointer { o in
          scratchKeys.withUnsafeMutableBufferPointer { sk in
            scratchOrder.withUnsafeMutableBufferPointer { so in
              counts.withUnsafeMutableBufferPointer { c in
                var offset = 0
                for b in 0..<256 {
                  let size = c[base + b]
                  c[base + b] = offset
                  offset += size
                }
                for i in 0..<n {
                  let digit = Int((k[i] >> (8 * UInt64(d))) & 0xFF)
                  let to = c[base + digit]
                  c[base + digit] = to + 1
                  sk[to] = k[i]
                  so[to] = o[i]
                }
              }
            }
          }
        }
      }
      swap(&keys, &scratchKeys)
      swap(&order, &scratchOrder)
    }
    return order
  }
}
