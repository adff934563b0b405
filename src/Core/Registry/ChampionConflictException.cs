namespace AutoRetrain.Core.Registry;

/// <summary>The champion moved between reading it and writing it: another cycle promoted (or rolled back) first.</summary>
public sealed class ChampionConflictException(string message) : AutoRetrainException(message);
