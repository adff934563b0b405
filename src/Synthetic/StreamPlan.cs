using AutoRetrain.Core;
namespace AutoRetrain.Synthetic;

/// <summary>A change of the world between batches, recorded in the stream manifest.</summary>
public sealed record DriftEvent(int Batch, string Kind, string Description, string? Class = null, Season? Season = null)
{
    public const string NewClass = "new-class";
    public const string ClassBecomesCommon = "class-becomes-common";
    public const string SeasonChange = "season-change";
}

/// <summary>
/// When the drift events of a stream happen. A null batch means the default: the season changes a
/// third of the way in, the new class appears half way, the rising class becomes common two thirds
/// of the way in (each at batch 1 at the earliest). A batch at or beyond the stream's end disables the event.
/// </summary>
public sealed record StreamOptions
{
    public int Batches { get; init; } = 5;
    public int TilesPerBatch { get; init; } = 100;
    public string NewClass { get; init; } = SyntheticClasses.Helicopter;
    public int? NewClassBatch { get; init; }
    public string RisingClass { get; init; } = SyntheticClasses.Ship;
    public int? RisingClassBatch { get; init; }
    public Season SeasonAfter { get; init; } = Season.Winter;
    public int? SeasonChangeBatch { get; init; }
}

/// <summary>One batch of a stream: which tiles it holds and the world's conditions while they were taken.</summary>
public sealed record StreamBatch(int Index, string Folder, int FirstTileIndex, int Tiles, TileConditions Conditions, IReadOnlyList<DriftEvent> Events);

/// <summary>The batches of a stream with their class mix and season, shifted by the drift events.</summary>
public sealed class StreamPlan
{
    public IReadOnlyList<StreamBatch> Batches { get; }
    public IReadOnlyList<DriftEvent> Events { get; }

    private StreamPlan(IReadOnlyList<StreamBatch> batches, IReadOnlyList<DriftEvent> events)
    {
        Batches = batches;
        Events = events;
    }

    public static string FolderOf(int batch) => $"batch-{batch:D3}";

    public static StreamPlan Create(GeneratorOptions generator, StreamOptions stream)
    {
        if (stream.Batches < 1) throw new AutoRetrainException($"a stream needs at least 1 batch, got {stream.Batches}.");
        if (stream.TilesPerBatch < 1) throw new AutoRetrainException($"a stream batch needs at least 1 tile, got {stream.TilesPerBatch}.");
        SyntheticClasses.ByName(stream.NewClass);
        SyntheticClasses.ByName(stream.RisingClass);
        if (stream.NewClass == stream.RisingClass)
            throw new AutoRetrainException($"the new class and the rising class must differ, both are \"{stream.NewClass}\".");

        int b = stream.Batches;
        int seasonAt = stream.SeasonChangeBatch ?? Math.Max(1, b / 3);
        int newClassAt = stream.NewClassBatch ?? Math.Max(1, b / 2);
        int risingAt = stream.RisingClassBatch ?? Math.Max(1, 2 * b / 3);

        var events = new List<DriftEvent>();
        if (seasonAt < b)
            events.Add(new(seasonAt, DriftEvent.SeasonChange, $"the ground turns from {generator.Season} to {stream.SeasonAfter}", Season: stream.SeasonAfter));
        if (newClassAt < b)
            events.Add(new(newClassAt, DriftEvent.NewClass, $"\"{stream.NewClass}\" appears for the first time", stream.NewClass));
        if (risingAt < b)
            events.Add(new(risingAt, DriftEvent.ClassBecomesCommon, $"\"{stream.RisingClass}\" becomes as common as the head class", stream.RisingClass));

        var baseMix = ClassMix.PowerLaw(generator.LongTailExponent);
        var batches = new List<StreamBatch>();
        for (int i = 0; i < b; i++)
        {
            var mix = i < newClassAt ? baseMix.Without(stream.NewClass) : baseMix;
            if (i >= risingAt) mix = mix.AsCommonAsHead(stream.RisingClass);
            var season = i >= seasonAt ? stream.SeasonAfter : generator.Season;
            batches.Add(new(i, FolderOf(i), i * stream.TilesPerBatch, stream.TilesPerBatch, new TileConditions(mix, season),
                [.. events.Where(e => e.Batch == i)]));
        }
        return new StreamPlan(batches, events);
    }
}
