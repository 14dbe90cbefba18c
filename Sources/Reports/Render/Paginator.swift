/// What the page breaker needs to know about one piece of the flow (a paragraph, a table, a
/// figure with its caption…): the heights of the parts it may be broken between.
public struct FlowMetrics: Sendable, Equatable {
    /// Heights of the unbreakable parts in order (lines of a paragraph, rows of a table); an
    /// unsplittable item (a figure with its caption) has one.
    public var lineHeights: [Double]
    /// Space above the item, dropped at the top of a page.
    public var spaceBefore: Double
    /// Never end a page right after this item (headings, table captions).
    public var keepWithNext: Bool
    /// Height repeated at the top of every continuation (a table's header row).
    public var repeatedHeader: Double
    /// Orphan and widow control: at least this many parts at the end and start of a page.
    public var minimumLines: Int
    /// A float (a figure): when it does not fit in what is left of a page, the text after it
    /// fills the page and the float goes to the top of the next one (floats keep their order).
    public var floats: Bool
    /// Waiting floats are placed before this item (a section heading: figures stay in their section).
    public var isFloatBarrier: Bool

    public init(lineHeights: [Double], spaceBefore: Double = 0, keepWithNext: Bool = false,
                repeatedHeader: Double = 0, minimumLines: Int = 1, floats: Bool = false, isFloatBarrier: Bool = false) {
        self.lineHeights = lineHeights
        self.spaceBefore = spaceBefore
        self.keepWithNext = keepWithNext
        self.repeatedHeader = repeatedHeader
        self.minimumLines = minimumLines
        self.floats = floats
        self.isFloatBarrier = isFloatBarrier
    }

    public var height: Double { lineHeights.reduce(0, +) }
}

/// Where a piece of an item goes: its parts `lines` on the page at `top` (points from the top of
/// the text area); `continuation` when an earlier piece is on a previous page.
public struct Placement: Sendable, Equatable {
    public var item: Int
    public var lines: Range<Int>
    public var top: Double
    public var continuation: Bool
    /// Height of the piece, including a repeated header.
    public var height: Double
}

/// Breaks a flow of items into pages of a given text height: splittable items break between
/// their parts (respecting orphans, widows and repeated headers), the others move whole to the
/// next page, and an item that must be kept with the next one moves with it.
public enum Paginator {
    public static func paginate(_ items: [FlowMetrics], pageHeight: Double) -> [[Placement]] {
        var pages: [[Placement]] = [[]]
        var y = 0.0
        let eps = 1e-6
        var deferred: [Int] = []
        func plainNewPage() {
            if !(pages.last?.isEmpty ?? true) { pages.append([]) }
            y = 0
        }
        /// Puts waiting floats at the top of the fresh page (and on further pages if need be).
        func newPage() {
            plainNewPage()
            while let index = deferred.first {
                let item = items[index]
                let top = y == 0 ? 0 : y + item.spaceBefore
                if y > 0, top + item.height > pageHeight + eps { plainNewPage(); continue }
                pages[pages.count - 1].append(Placement(item: index, lines: 0..<item.lineHeights.count, top: top,
                                                        continuation: false, height: item.height))
                y = top + item.height
                deferred.removeFirst()
            }
        }
        for (index, item) in items.enumerated() {
            let count = item.lineHeights.count
            guard count > 0 else { continue }
            if item.floats, y > 0, !deferred.isEmpty || y + item.spaceBefore + item.height > pageHeight + eps {
                deferred.append(index)
                continue
            }
            if item.isFloatBarrier, !deferred.isEmpty { newPage() }
            var line = 0
            let splittable = count > 1
            while line < count {
                let continuation = line > 0
                let atTop = y == 0
                let top = atTop ? 0 : y + (continuation ? 0 : item.spaceBefore)
                let header = continuation ? item.repeatedHeader : 0
                var height = header
                var k = line
                while k < count, top + height + item.lineHeights[k] <= pageHeight + eps {
                    height += item.lineHeights[k]
                    k += 1
                }
                let minimum = min(item.minimumLines, count)
                if splittable, k < count {
                    // Orphans: too few parts at the bottom of this page.
                    if k - line < minimum, !atTop { k = line }
                    // Widows: leave at least `minimum` parts for the next page.
                    if k > line, count - k < minimum {
                        k = max(line, count - minimum)
                        if k - line < minimum, !atTop { k = line }
                    }
                    if k == line, atTop { k = min(count, line + 1) }
                } else if k < count {
                    k = line
                }
                if k == count, item.keepWithNext, index + 1 < items.count, !atTop || continuation {
                    let next = items[index + 1]
                    let nextFirst = next.lineHeights.prefix(max(1, min(next.minimumLines, next.lineHeights.count))).reduce(0, +)
                    let used = header + item.lineHeights[line..<k].reduce(0, +)
                    if top + used + next.spaceBefore + nextFirst > pageHeight + eps, !continuation || !atTop {
                        if atTop { /* cannot help it */ } else { k = line }
                    }
                }
                if k == line {
                    if atTop {
                        // Taller than a page: place it alone (the typesetter scales figures to fit).
                        k = line + 1
                    } else {
                        newPage()
                        continue
                    }
                }
                height = header + item.lineHeights[line..<k].reduce(0, +)
                pages[pages.count - 1].append(Placement(item: index, lines: line..<k, top: top, continuation: continuation, height: height))
                y = top + height
                line = k
                if line < count { newPage() }
            }
        }
        if !deferred.isEmpty { newPage() }
        return pages
    }
}
