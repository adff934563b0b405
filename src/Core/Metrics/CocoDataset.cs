namespace AutoRetrain.Core.Metrics;

/// <summary>
/// A COCO ground-truth file in evaluator form: images sorted by id and categories sorted by id,
/// as pycocotools orders them, with the id ↔ index maps needed to read a results file.
/// </summary>
public sealed record CocoDataset(
    IReadOnlyList<GroundTruthImage> Images,
    IReadOnlyList<long> ImageIds,
    IReadOnlyList<string> Categories,
    IReadOnlyList<long> CategoryIds)
{
    private Dictionary<long, int>? _imageIndex, _categoryIndex;

    public IReadOnlyDictionary<long, int> ImageIndexById => _imageIndex ??= IndexOf(ImageIds);

    public IReadOnlyDictionary<long, int> CategoryIndexById => _categoryIndex ??= IndexOf(CategoryIds);

    private static Dictionary<long, int> IndexOf(IReadOnlyList<long> ids)
    {
        var map = new Dictionary<long, int>(ids.Count);
        for (int i = 0; i < ids.Count; i++) map[ids[i]] = i;
        return map;
    }
}
