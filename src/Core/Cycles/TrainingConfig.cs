namespace AutoRetrain.Core.Cycles;

/// <summary>
/// The training contract, one set of defaults: what a cycle asks of a training (one candidate of it), written as the
/// JSON the trainer reads (<c>--config</c>) by the local backend and the Azure ML job alike. The trainer's own
/// options (<c>TrainerOptions</c>) extend this record with the detector's details, so a field and its default exist
/// once; the JSON field names are the camel-case property names.
/// <para>Budget: the learning-rate schedule (warm-up, then cosine decay) is planned over <see cref="Epochs"/>, or over
/// <see cref="MaxSteps"/> optimiser steps when that is set, so every run anneals. <see cref="TimeBudgetSeconds"/> is a
/// safety cap that stops a run (recorded as its stop reason) unless <see cref="PlanScheduleForTimeBudget"/> asks the
/// trainer to fit the schedule to the time: after the first epoch it estimates how many steps the rest of the budget
/// holds and re-plans the decay to end there.</para>
/// </summary>
public record TrainingConfig
{
    /// <summary>Sampling strategy that produced the tile weights ("uniform", "repeat-factor*active-bias", …).</summary>
    public string Sampler { get; init; } = "uniform";
    public string Architecture { get; init; } = "centernet-tiny";

    /// <summary>Length of the schedule in epochs (passes over the sampled tiles); the budget unless <see cref="MaxSteps"/> is set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Length of the schedule in optimiser steps; null plans over <see cref="Epochs"/>. The last epoch may be partial.</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Peak learning rate (AdamW), reached after the warm-up.</summary>
    public double LearningRate { get; init; } = 2e-3;
    public double WeightDecay { get; init; } = 1e-4;
    public int Seed { get; init; } = 42;
    public int BatchSize { get; init; } = 16;

    /// <summary>Chip size the detector trains on (pixels, a multiple of 16); null chooses it from the labelled objects'
    /// sizes: 256, or up to 512 when the largest objects would not fit half a chip at the scale that keeps the smallest at
    /// about 10 px. A warm-started training keeps its base model's. Recorded in the model; prediction uses the same.</summary>
    public int? InputSize { get; init; }

    /// <summary>Resampling of the scenes, in chip pixels per scene pixel (2 upsamples); null chooses it from the labelled
    /// objects' sizes (small objects upsampled to about 10 px, very large ones downsampled to fit half a chip). A
    /// warm-started training keeps its base model's scale. Recorded in the model; prediction uses the same.</summary>
    public double? InputScale { get; init; }

    /// <summary>Weight of a GIoU term on the box regression (predicted box against the true box at each object's
    /// centre cell) added to the L1 size and offset terms; 0 leaves it out.</summary>
    public double GiouWeight { get; init; }

    /// <summary>β of the box regression's area: the cells of the centre rectangle of β × each box's size regress it,
    /// Gaussian-weighted (TTFNet); 0 regresses at the centre cell alone (CenterNet). From 0 to 1.</summary>
    public double RegressionArea { get; init; }

    /// <summary>Wall-clock cap on the epoch loop, in seconds; null none. When it fires the run stops and says so.</summary>
    public double? TimeBudgetSeconds { get; init; }

    /// <summary>With a <see cref="TimeBudgetSeconds"/>: plan the schedule's length from the measured speed (fitted at
    /// step 20, every 100 steps and after every epoch) so that the learning rate has decayed when the time is up (never
    /// longer than the epochs or steps plan).</summary>
    public bool PlanScheduleForTimeBudget { get; init; }

    /// <summary>Epochs without a better validation mAP50 before training stops.</summary>
    public int Patience { get; init; } = 4;

    /// <summary>A training warm-started from the champion runs this fraction of the budget (rounded up): it starts
    /// near a good solution, so a cycle costs less than a cold one. 1 keeps the cold schedule. Measured
    /// (bench/results/detector-warmstart*.json): a third reaches the cold mAP50 sooner than a half, because most of
    /// what the warm run gains comes as its learning rate decays, and a shorter schedule decays sooner.</summary>
    public double WarmStartEpochFraction { get; init; } = 1.0 / 3;

    /// <summary>A warm-started training's peak learning rate as a fraction of <see cref="LearningRate"/>: fine-tuning
    /// at the cold peak would first throw away much of what the base model knows.</summary>
    public double WarmStartLearningRateFactor { get; init; } = 0.5;

    /// <summary>Decay of the moving average of the weights the trainer evaluates and saves; 0 keeps the live weights.</summary>
    public double WeightAverageDecay { get; init; } = 0.99;

    /// <summary>Weigh each class's heatmap loss by the class-balanced weight of Cui et al. (effective number of
    /// objects, <see cref="ClassBalancedLossBeta"/>), computed from the training tiles' object counts.</summary>
    public bool ClassBalancedLoss { get; init; }
    public double ClassBalancedLossBeta { get; init; } = Sampling.ClassLossWeights.DefaultBeta;

    /// <summary>A scene larger than the chip region yields about area / region² windows an epoch; this share of them
    /// are background windows (touching no object), the rest hold objects. 0.25 is a starting point, not a measured
    /// optimum (Raster Vision's default, 1 negative per positive, is 0.5).</summary>
    public double BackgroundWindowFraction { get; init; } = 0.25;

    /// <summary>How much a scene's object windows favour rare classes: its objects are visited in a random order
    /// weighted by (n_max / n_c)^this, n_c the training objects of the object's class. 0 (every object alike) to 2.
    /// Only matters where a scene has more objects than object windows (dense scenes) and classes differ in count.
    /// Measured (bench/results/large-scenes-session15-*.json, generated 4,096-px scenes, same steps): 0.5 (the square
    /// root, as in repeat-factor sampling) raised VOC mAP50 on three seeds of three, the rarest classes most.</summary>
    public double ObjectWindowClassBalance { get; init; } = 0.5;

    /// <summary>Decoded pixels the trainer holds at most, in MiB: when every tile's decoded RGB fits, tiles are decoded
    /// once and held; otherwise scenes are decoded on demand through a cache of this size (least recently used evicted).</summary>
    public int DecodedScenesMegabytes { get; init; } = 2048;
}
