using AutoRetrain.Core.Labels;

namespace AutoRetrain.Imagery.Formats;

/// <summary>
/// One image as a source format describes it, before it is copied: its name as written in the source
/// (relative to <see cref="ImagesFolder"/>), its objects, and where the labels came from.
/// </summary>
/// <param name="Objects">Null when the source has no labels for this image (it is imported unlabelled);
/// empty when the source says the image has no objects.</param>
/// <param name="DeclaredWidth">The size the source states for the image, if any; checked against the real image.</param>
public sealed record SourceImage(
    string Name,
    string ImagesFolder,
    IReadOnlyList<SourceObject>? Objects,
    string LabelSource,
    int? DeclaredWidth = null,
    int? DeclaredHeight = null);

/// <summary>An object as read from the source. <paramref name="Normalised"/>: coordinates are fractions of the
/// image size (YOLO) and are scaled once the image's real size is known.</summary>
/// <param name="Where">Where it was read, for problem reports: "line 4", "annotation id 17".</param>
public sealed record SourceObject(
    string Class,
    BoundingBox Box,
    IReadOnlyList<PointD>? Polygon,
    bool? Difficult,
    string Where,
    bool Normalised = false);
