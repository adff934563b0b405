using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Imagery.Rasters;
using AutoRetrain.Core.Labels;
using AutoRetrain.Synthetic.Painters;
using AutoRetrain.Synthetic.Scene;
using SkiaSharp;

namespace AutoRetrain.Synthetic;

/// <summary>
/// Draws overhead-looking tiles with labelled objects. A tile depends only on the options, its
/// index and the conditions (class mix, season), so tiles can be generated in any order and in parallel.
/// </summary>
public sealed class SyntheticGenerator
{
    /// <summary>Synthetic tiles sit on a grid in UTM zone 33N at 0.5 m per pixel, 1,000 tiles per row.</summary>
    public const int Epsg = 32633;
    public const double MetresPerPixel = 0.5;
    private const double OriginEasting = 500_000, OriginNorthing = 5_000_000;
    private const int TilesPerGridRow = 1000;

    private const double TreeOcclusionChance = 0.12;
    private const double DifficultBelowVisibleShare = 0.5;
    private const int MinimumVisiblePixels = 3;

    public GeneratorOptions Options { get; }
    public TileConditions DefaultConditions { get; }

    public SyntheticGenerator(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        DefaultConditions = new TileConditions(ClassMix.PowerLaw(options.LongTailExponent), options.Season);
    }

    public string NameOf(int index) => $"{Options.NamePrefix}-{index:D6}";

    public GeneratedTile Generate(int index) => Generate(index, DefaultConditions);

    public GeneratedTile Generate(int index, TileConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        if (index < 0) throw new AutoRetrainException($"a tile index is ≥ 0, got {index}.");
        return Options.TileSize > MosaicAbove ? GenerateMosaic(index, conditions) : GenerateTile(index, conditions);
    }

    /// <summary>Tiles larger than this are scenes composed of <see cref="BlockSize"/>-px blocks.</summary>
    public const int MosaicAbove = 512;

    /// <summary>The block of a large scene: one layout (roads, water, pads) and its object groups, as a 256-px tile.</summary>
    public const int BlockSize = 256;

    /// <summary>
    /// A large scene (satellite or orthophoto sized): a grid of 256-px blocks, each laid out and populated as a tile of
    /// its own, so object density, pixel sizes (10–56 px long at 0.5 m a pixel) and the class mix stay those of the
    /// tiles whatever the scene size; one layout stretched over 4,096 px would hold a handful of objects. Roads and
    /// rivers end at block edges. The right and bottom blocks are cropped when the size is not a multiple of 256, and
    /// boxes with them (dropped under 3 visible pixels).
    /// </summary>
    private GeneratedTile GenerateMosaic(int index, TileConditions conditions)
    {
        int size = Options.TileSize, perRow = (size + BlockSize - 1) / BlockSize;
        var blocks = new SyntheticGenerator(Options with { TileSize = BlockSize, Seed = SceneRandom.SeedFor(Options.Seed, index) });
        var rgb = new byte[3L * size * size];
        var objects = new List<LabelObject>[perRow * perRow];
        var scene = new BoundingBox(0, 0, size, size);
        Parallel.For(0, perRow * perRow, b =>
        {
            int x0 = b % perRow * BlockSize, y0 = b / perRow * BlockSize, width = Math.Min(BlockSize, size - x0);
            var block = blocks.GenerateTile(b, conditions);
            for (int y = 0; y < Math.Min(BlockSize, size - y0); y++)
                Array.Copy(block.Rgb8, 3L * y * BlockSize, rgb, 3L * ((long)(y0 + y) * size + x0), 3L * width);
            objects[b] = block.Labels.Objects
                .Select(o => o with { Box = o.Bounds.Translate(x0, y0).Intersect(scene).ToArray() })
                .Where(o => o.Bounds.Width >= MinimumVisiblePixels && o.Bounds.Height >= MinimumVisiblePixels).ToList();
        });
        var labels = new LabelFile
        {
            Image = NameOf(index) + ".png", Width = size, Height = size, Source = "synthetic", Objects = objects.SelectMany(o => o).ToList(),
        };
        return new GeneratedTile(index, NameOf(index), size, size, rgb, labels, GeoReferenceOf(index), conditions.Season);
    }

    private GeneratedTile GenerateTile(int index, TileConditions conditions)
    {
        int size = Options.TileSize;
        var random = new SceneRandom(SceneRandom.SeedFor(Options.Seed, index));
        var palette = SeasonPalette.For(conditions.Season);

        var wanted = ChooseClasses(conditions.Mix, random);
        var layout = SceneLayout.Build(random, size, NeededSites(wanted));
        var objects = ObjectPlacer.Place(wanted, layout, random, size);

        float sunAzimuth = random.Angle();
        var shadowDirection = new SKPoint(MathF.Cos(sunAzimuth), MathF.Sin(sunAzimuth));
        var shadowStep = new SKPoint(shadowDirection.X * random.Range(0.6f, 1.3f), shadowDirection.Y * random.Range(0.6f, 1.3f));
        float shadowDarkness = random.Range(0.3f, 0.5f);

        using var scene = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(scene);
        using var masks = new VisibilityMasks(size);

        GroundPainter.Paint(canvas, layout, palette, random, size);
        PaintObjects(canvas, objects, shadowStep, shadowDarkness);
        PaintTrees(canvas, masks, layout, objects, palette, random, size, shadowDirection);
        canvas.Flush();

        var labels = Label(objects, masks, NameOf(index) + ".png", size);
        var rgb = SensorEffects.Apply(scene, random);
        return new GeneratedTile(index, NameOf(index), size, size, rgb, labels, GeoReferenceOf(index), conditions.Season);
    }

    public GeoReference GeoReferenceOf(int index)
    {
        double span = Options.TileSize * MetresPerPixel;
        return new GeoReference(
            [OriginEasting + index % TilesPerGridRow * span, MetresPerPixel, 0, OriginNorthing - index / TilesPerGridRow * span, 0, -MetresPerPixel],
            Epsg);
    }

    private List<ObjectGroup> ChooseClasses(ClassMix mix, SceneRandom random)
    {
        var weights = SyntheticClasses.All.Select(c => mix.WeightOf(c.Name)).ToArray();
        int count = random.Int(Options.MinGroups, Options.MaxGroups + 1);
        if (weights.All(w => w <= 0)) return [];
        var groups = new List<ObjectGroup>();
        for (int i = 0; i < count; i++)
        {
            var cls = SyntheticClasses.All[random.Weighted(weights)];
            groups.Add(new ObjectGroup(cls, random.Int(cls.MinGroup, cls.MaxGroup + 1)));
        }
        return groups;
    }

    /// <summary>The first site of each class, and a parking lot when many vehicles must fit.</summary>
    private static HashSet<Site> NeededSites(List<ObjectGroup> wanted)
    {
        var sites = wanted.Select(g => g.Class.Sites[0]).ToHashSet();
        if (wanted.Where(g => g.Class.Sites.Contains(Site.Parking)).Sum(g => g.Count) >= 4) sites.Add(Site.Parking);
        return sites;
    }

    /// <summary>All shadows first, then wakes (kept on the water), then bodies, so no shadow falls across a hull.</summary>
    private static void PaintObjects(SKCanvas canvas, List<PlacedObject> objects, SKPoint shadowStep, float darkness)
    {
        foreach (var o in objects)
            InFrame(canvas, o, () =>
            {
                using var silhouette = o.Painter.Silhouette(o.Length, o.Width, o.Style);
                o.Painter.PaintShadow(canvas, silhouette, Geometry.Rotate(shadowStep, -o.Placement.Angle), o.Length, darkness);
            });
        foreach (var o in objects)
        {
            canvas.Save();
            using var ground = o.Region.Outline();
            canvas.ClipPath(ground, SKClipOperation.Intersect, antialias: true);
            InFrame(canvas, o, () => o.Painter.PaintUnderlay(canvas, o.Length, o.Width, o.Style));
            canvas.Restore();
        }
        foreach (var o in objects)
        {
            var towardsSun = Geometry.Rotate(new SKPoint(-shadowStep.X, -shadowStep.Y), -o.Placement.Angle);
            float norm = MathF.Max(1e-3f, MathF.Sqrt(towardsSun.X * towardsSun.X + towardsSun.Y * towardsSun.Y));
            InFrame(canvas, o, () => o.Painter.Paint(canvas, o.Length, o.Width, o.Style, new SKPoint(towardsSun.X / norm, towardsSun.Y / norm)));
        }
    }

    private static void InFrame(SKCanvas canvas, PlacedObject o, Action paint)
    {
        canvas.Save();
        canvas.Translate(o.Placement.Centre.X, o.Placement.Centre.Y);
        canvas.RotateRadians(o.Placement.Angle);
        paint();
        canvas.Restore();
    }

    /// <summary>Clumps of trees on open ground, and now and then a crown over the edge of an object.</summary>
    private static void PaintTrees(SKCanvas canvas, VisibilityMasks masks, SceneLayout layout, List<PlacedObject> objects,
        SeasonPalette palette, SceneRandom random, int size, SKPoint shadowDirection)
    {
        int clumps = random.Int(0, 6);
        for (int c = 0; c < clumps; c++)
        {
            var centre = new SKPoint(random.Range(0, size), random.Range(0, size));
            int trees = random.Int(2, 12);
            for (int t = 0; t < trees; t++)
            {
                float a = random.Angle(), d = random.Range(0, 22);
                var at = centre + new SKPoint(MathF.Cos(a) * d, MathF.Sin(a) * d);
                float radius = random.Range(3f, 6.5f);
                if (layout.RegionAt(at) is null && !objects.Any(o => Near(o, at, radius)))
                    TreePainter.Paint(canvas, masks.Occlusion, at, radius, palette, random, shadowDirection);
            }
        }
        foreach (var o in objects)
        {
            if (!random.Chance(TreeOcclusionChance) || o.Class.Sites.Contains(Site.Water)) continue;
            var edge = new SKPoint(random.Pick([-0.5f, 0.5f]) * o.Length * random.Range(0.3f, 1f), random.Pick([-0.5f, 0.5f]) * o.Width);
            var at = Geometry.Rotate(edge, o.Placement.Angle) + o.Placement.Centre;
            TreePainter.Paint(canvas, masks.Occlusion, at, Math.Clamp(o.Width * 0.5f, 3f, 7f), palette, random, shadowDirection);
        }
    }

    private static bool Near(PlacedObject o, SKPoint p, float radius)
    {
        float dx = p.X - o.Placement.Centre.X, dy = p.Y - o.Placement.Centre.Y;
        float reach = radius + MathF.Max(o.FootprintLength, o.Width) / 2;
        return dx * dx + dy * dy < reach * reach;
    }

    private static LabelFile Label(List<PlacedObject> objects, VisibilityMasks masks, string imageName, int size)
    {
        var labelled = new List<LabelObject>();
        foreach (var o in objects)
        {
            using var silhouette = o.WorldSilhouette();
            var (box, share) = masks.Measure(silhouette);
            if (box is not BoundingBox b || b.Width < MinimumVisiblePixels || b.Height < MinimumVisiblePixels) continue;
            var clipped = b.Intersect(new BoundingBox(0, 0, size, size));
            labelled.Add(LabelObject.Of(o.Class.Name, clipped, difficult: share < DifficultBelowVisibleShare ? true : null));
        }
        return new LabelFile { Image = imageName, Width = size, Height = size, Source = "synthetic", Objects = labelled };
    }
}
