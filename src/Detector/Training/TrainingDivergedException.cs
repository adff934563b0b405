using System.Globalization;
using AutoRetrain.Core;

namespace AutoRetrain.Detector.Training;

/// <summary>
/// The training loss became NaN or infinite. The trainer stops at once instead of training on, and saving, weights
/// that no longer mean anything; the message says where and at which learning rate.
/// </summary>
public sealed class TrainingDivergedException(string message) : AutoRetrainException(message)
{
    public static TrainingDivergedException At(int epoch, int step, float loss, double learningRate) => new(
        string.Create(CultureInfo.InvariantCulture, $"{Core.Cycles.TrainerErrors.Diverged}: the loss was {loss} at epoch {epoch}, step {step} (learning rate {learningRate:G3}). ")
        + "Lower learningRate in the training configuration, or check the labels (boxes of zero or enormous size).");
}
