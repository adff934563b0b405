using AutoRetrain.Core;
using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Chips;

/// <summary>
/// Where the training windows of one scene go in one epoch. A scene contributes about area / region² windows
/// (<see cref="CountFor"/>), so a 2,560-px scene is covered about once an epoch at a 256-px region instead of being
/// seen through one random chip. Windows that hold objects and background windows are mixed at a set ratio:
/// <list type="bullet">
/// <item>object windows: objects are visited in random order and each gets a window placed at random among the
/// positions that hold its whole box, skipping objects an earlier window of the epoch already holds (the idea of
/// Raster Vision's positive windows); once every object is held, another pass starts, so a dense scene gets all its
/// object windows. Optional object weights skew each pass's order (a weighted random order: an object of weight w
/// comes before one of weight 1 with probability w / (w + 1)), so that when a dense scene has fewer object windows than
/// objects, the windows go to the heavy objects first (rare classes, <c>ObjectWindowClassBalance</c>);</item>
/// <item>background windows: the cells of a non-overlapping grid over the scene (<see cref="ChipGrid"/>) that touch no
/// object, in random order, each moved by up to an eighth of the region; when the scene has too few such cells the
/// others are used, so the count always holds.</item>
/// </list>
/// A window is returned as a square box in scene pixels of the region's size; for a scene narrower than the region
/// it is centred on that axis (the chip is padded). A box the window cuts is kept or dropped later by its visible
/// fraction, as for any chip.
/// </summary>
public static class SceneWindows
{
    /// <summary>Windows a scene yields per epoch: round(area / region²), at least 1; exactly 1 when the scene fits in
    /// one region on both axes.</summary>
    public static int CountFor(int width, int height, double region)
    {
        if (!(region > 0)) throw new AutoRetrainException($"the window size must be positive, got {region}.");
        if (width <= region && height <= region) return 1;
        return Math.Max(1, (int)Math.Round((double)width * height / (region * region), MidpointRounding.AwayFromZero));
    }

    /// <param name="backgroundFraction">Share of the windows that are background windows, in [0, 1]. A scene without
    /// objects gets only background windows; a scene with objects and a fraction below 1 gets at least one object window.</param>
    /// <param name="objectWeights">Null, or one positive weight per object (same order as <paramref name="objects"/>):
    /// the weight of the object in the order its pass visits objects.</param>
    public static IReadOnlyList<BoundingBox> Sample(int width, int height, double region, IReadOnlyList<BoundingBox> objects,
        double backgroundFraction, Random rng, IReadOnlyList<double>? objectWeights = null)
    {
        if (!(backgroundFraction >= 0 && backgroundFraction <= 1))
            throw new AutoRetrainException($"the background window fraction must be in [0, 1], got {backgroundFraction}.");
        if (objectWeights is not null && (objectWeights.Count != objects.Count || objectWeights.Any(w => !(w > 0 && double.IsFinite(w)))))
            throw new AutoRetrainException($"object weights must be one positive number per object ({objects.Count}), got {objectWeights.Count} " +
                $"of which {objectWeights.Count(w => !(w > 0 && double.IsFinite(w)))} not positive.");
        int count = CountFor(width, height, region);
        var kept = Enumerable.Range(0, objects.Count).Where(i => objects[i].Area > 0).ToList();
        var boxes = kept.Select(i => objects[i]).ToList();
        var weights = objectWeights is null ? null : kept.Select(i => objectWeights[i]).ToArray();
        int withObjects = boxes.Count == 0 ? 0
            : backgroundFraction >= 1 ? 0
            : Math.Max(1, (int)Math.Round(count * (1 - backgroundFraction), MidpointRounding.AwayFromZero));
        var windows = new List<BoundingBox>(count);
        ObjectWindows(width, height, region, boxes, weights, withObjects, rng, windows);
        BackgroundWindows(width, height, region, boxes, count - withObjects, rng, windows);
        return windows;
    }

    private static void ObjectWindows(int width, int height, double region, List<BoundingBox> boxes, double[]? weights, int wanted,
        Random rng, List<BoundingBox> windows)
    {
        var order = Enumerable.Range(0, boxes.Count).ToArray();
        var keys = weights is null ? null : new double[boxes.Count];
        var heldThisPass = new List<BoundingBox>();
        int added = 0;
        while (added < wanted)
        {
            // One pass over the objects in random order; each pass places at least its first object's window.
            if (keys is null) rng.Shuffle(order);
            else WeightedOrder(order, weights!, keys, rng);
            heldThisPass.Clear();
            foreach (int i in order)
            {
                var box = boxes[i];
                if (heldThisPass.Any(w => Holds(w, box))) continue;
                double x = Place(box.XMin, box.XMax, width, region, rng), y = Place(box.YMin, box.YMax, height, region, rng);
                var window = new BoundingBox(x, y, x + region, y + region);
                heldThisPass.Add(window);
                windows.Add(window);
                if (++added == wanted) return;
            }
        }
    }

    /// <summary>A weighted random order (Efraimidis and Spirakis): object i gets the key E / wᵢ with E exponential,
    /// and objects are visited by increasing key, so the chance that i comes before j is wᵢ / (wᵢ + wⱼ).</summary>
    private static void WeightedOrder(int[] order, double[] weights, double[] keys, Random rng)
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = -Math.Log(1 - rng.NextDouble()) / weights[i];
        }
        Array.Sort(keys, order);
    }

    private static void BackgroundWindows(int width, int height, double region, List<BoundingBox> boxes, int wanted, Random rng, List<BoundingBox> windows)
    {
        if (wanted <= 0) return;
        int cell = Math.Max(1, (int)Math.Round(region));
        var cells = ChipGrid.For(width, height, cell, overlap: 0).Select(c => Square(c.X, c.Y, width, height, region)).ToArray();
        rng.Shuffle(cells);
        var empty = cells.Where(c => !boxes.Any(b => Touches(c, b))).ToList();
        var pool = empty.Count > 0 ? empty : cells.ToList();
        double jitter = region / 8;
        for (int k = 0; k < wanted; k++)
        {
            var c = pool[k % pool.Count];
            double x = Clamp(c.XMin + (rng.NextDouble() * 2 - 1) * jitter, width, region);
            double y = Clamp(c.YMin + (rng.NextDouble() * 2 - 1) * jitter, height, region);
            var moved = new BoundingBox(x, y, x + region, y + region);
            windows.Add(empty.Count > 0 && boxes.Any(b => Touches(moved, b)) ? c : moved);
        }
    }

    /// <summary>A start along one axis that keeps [lo, hi] inside [start, start + region] (centred on the object when
    /// it is larger than the region) and the window inside the scene when the scene is larger than the region.</summary>
    private static double Place(double lo, double hi, int length, double region, Random rng)
    {
        if (length <= region) return (length - region) / 2;
        double first = hi - region, last = lo;
        double start = first <= last ? first + rng.NextDouble() * (last - first) : (lo + hi - region) / 2;
        return Clamp(start, length, region);
    }

    private static double Clamp(double start, int length, double region) =>
        length <= region ? (length - region) / 2 : Math.Clamp(start, 0, length - region);

    private static BoundingBox Square(double x, double y, int width, int height, double region)
    {
        double sx = Clamp(x, width, region), sy = Clamp(y, height, region);
        return new BoundingBox(sx, sy, sx + region, sy + region);
    }

    /// <summary>The window holds the whole box.</summary>
    public static bool Holds(BoundingBox window, BoundingBox box) =>
        box.XMin >= window.XMin && box.YMin >= window.YMin && box.XMax <= window.XMax && box.YMax <= window.YMax;

    private static bool Touches(BoundingBox window, BoundingBox box) => window.Intersect(box) is { Width: > 0, Height: > 0 };
}
