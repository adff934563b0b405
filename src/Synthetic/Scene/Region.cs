using SkiaSharp;

namespace AutoRetrain.Synthetic.Scene;

/// <summary>A placement for an object: its centre and the direction of its length axis (radians).</summary>
internal readonly record struct Placement(SKPoint Centre, float Angle);

/// <summary>An area of the ground where objects of one <see cref="Synthetic.Site"/> stand.</summary>
internal abstract class Region(Site site)
{
    public Site Site { get; } = site;

    public abstract bool Contains(SKPoint point);

    /// <summary>A candidate spot for an object of the given footprint; the caller checks it fits.</summary>
    public abstract Placement Propose(SceneRandom random, float length, float width, string className);

    /// <summary>The outline to paint (in tile coordinates).</summary>
    public abstract SKPath Outline();
}
