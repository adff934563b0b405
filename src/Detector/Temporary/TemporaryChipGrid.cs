using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Decoding;

namespace AutoRetrain.Detector.Temporary;

// TEMPORARY until AutoRetrain.Core.Chips (ChipGrid, BoxNms) lands on main; then replace these calls with it.

/// <summary>Overlapping square chips covering a scene; the last row and column are shifted back inside the scene.</summary>
public static class TemporaryChipGrid
{
    public static IReadOnlyList<(int X, int Y)> Origins(int width, int height, int chipSize, int overlap)
    {
        int step = Math.Max(1, chipSize - overlap);
        static IEnumerable<int> Axis(int length, int chip, int step)
        {
            if (length <= chip) { yield return 0; yield break; }
            int last = length - chip;
            for (int p = 0; p < last; p += step) yield return p;
            yield return last;
        }
        return Axis(height, chipSize, step).SelectMany(y => Axis(width, chipSize, step).Select(x => (x, y))).ToList();
    }
}

/// <summary>Class-aware greedy non-maximum suppression.</summary>
public static class TemporaryBoxNms
{
    public static IReadOnlyList<Detection> Apply(IEnumerable<Detection> detections, double iou)
    {
        var kept = new List<Detection>();
        foreach (var group in detections.GroupBy(d => d.ClassIndex))
        {
            var sorted = group.OrderByDescending(d => d.Score).ToList();
            var groupKept = new List<BoundingBox>();
            foreach (var d in sorted)
            {
                if (groupKept.Any(k => k.IoU(d.Box) > iou)) continue;
                groupKept.Add(d.Box);
                kept.Add(d);
            }
        }
        return kept.OrderByDescending(d => d.Score).ToList();
    }
}
