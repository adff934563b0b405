using AutoRetrain.Core;
namespace AutoRetrain.Synthetic;

/// <summary>Where an object of a class can stand.</summary>
public enum Site { Road, Parking, Urban, Water, Apron, Industrial }

/// <summary>
/// One object class of the generator with its footprint in pixels at 256×256 tiles (about
/// 0.5 m per pixel): length along its axis and width across it. Objects come in groups (cars in a
/// lot, a tank farm, a row of houses) of <c>MinGroup</c>–<c>MaxGroup</c> members on one site.
/// </summary>
public sealed record SyntheticClass(string Name, Site[] Sites, float MinLength, float MaxLength, float WidthRatioMin, float WidthRatioMax,
    int MinGroup = 1, int MaxGroup = 1);

/// <summary>The classes, in long-tail order: the head (most frequent) first, the rarest last.</summary>
public static class SyntheticClasses
{
    public const string SmallVehicle = "small-vehicle";
    public const string Building = "building";
    public const string LargeVehicle = "large-vehicle";
    public const string StorageTank = "storage-tank";
    public const string Ship = "ship";
    public const string Plane = "plane";
    public const string Helicopter = "helicopter";

    public static readonly IReadOnlyList<SyntheticClass> All =
    [
        new(SmallVehicle, [Site.Road, Site.Parking], 10, 13, 0.48f, 0.56f, 1, 3),
        new(Building, [Site.Urban], 16, 40, 0.55f, 0.95f, 1, 4),
        new(LargeVehicle, [Site.Road, Site.Parking], 17, 26, 0.30f, 0.38f, 1, 2),
        new(StorageTank, [Site.Industrial], 12, 28, 1f, 1f, 1, 4),
        new(Ship, [Site.Water], 22, 56, 0.20f, 0.28f, 1, 2),
        new(Plane, [Site.Apron], 26, 48, 0.95f, 1.05f, 1, 2),
        new(Helicopter, [Site.Apron], 16, 22, 1f, 1f),
    ];

    public static SyntheticClass ByName(string name) =>
        All.FirstOrDefault(c => c.Name == name)
        ?? throw new AutoRetrainException($"unknown synthetic class \"{name}\"; known: {string.Join(", ", All.Select(c => c.Name))}.");
}
