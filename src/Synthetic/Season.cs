namespace AutoRetrain.Synthetic;

/// <summary>The look of the ground: vegetation colours, snow, dry soil. A change of season is a drift event.</summary>
public enum Season { Summer, Autumn, Winter, Arid }
