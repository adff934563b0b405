namespace AutoRetrain.Core;

/// <summary>
/// The one exception type the domain throws for input a user can fix. The message names the
/// file or object at fault and what is wrong with it.
/// </summary>
public class AutoRetrainException : Exception
{
    public AutoRetrainException(string message) : base(message) { }

    public AutoRetrainException(string message, Exception inner) : base(message, inner) { }
}
