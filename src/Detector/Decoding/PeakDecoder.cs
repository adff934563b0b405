using AutoRetrain.Core.Labels;
using AutoRetrain.Detector.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Decoding;

/// <summary>
/// Turns model output into boxes as CenterNet does: sigmoid heatmaps, keep cells that equal the 3×3 max
/// around them (the max-pool replaces NMS within a chip), take the top K over all classes, then read
/// size and offset at each peak.
/// </summary>
public static class PeakDecoder
{
    public static IReadOnlyList<Detection>[] Decode(Tensor output, int classCount, int stride, int topK, double minScore)
    {
        using var scope = NewDisposeScope();
        var cpu = output.detach().to(CPU).to_type(ScalarType.Float32);
        long batch = cpu.shape[0], height = cpu.shape[2], width = cpu.shape[3];
        var heat = cpu.narrow(1, 0, classCount).sigmoid();
        var pooled = nn.functional.max_pool2d(heat, 3, stride: 1, padding: 1);
        var peaks = heat * heat.eq(pooled).to_type(ScalarType.Float32);
        int k = (int)Math.Min(topK, classCount * height * width);
        var (scores, indices) = peaks.reshape(batch, -1).topk(k);
        float[] scoreValues = scores.data<float>().ToArray();
        long[] indexValues = indices.data<long>().ToArray();
        long cells = height * width;
        // Size and offset at the K peaks only, (batch, 4, K): the whole regression map is 1 MB a batch of 16 at 64 × 64.
        using var cellCount = cells.ToScalar(); // held until after the call (HeldScalars says why)
        var peakCells = indices.remainder(cellCount).unsqueeze(1).expand(batch, 4, k);
        float[] regression = cpu.narrow(1, classCount, 4).reshape(batch, 4, cells).gather(2, peakCells).contiguous().data<float>().ToArray();

        var result = new IReadOnlyList<Detection>[batch];
        for (int b = 0; b < batch; b++)
        {
            var detections = new List<Detection>();
            for (int i = 0; i < k; i++)
            {
                double score = scoreValues[b * k + i];
                if (score < minScore) break;
                long index = indexValues[b * k + i];
                int cls = (int)(index / cells);
                long cell = index % cells;
                long y = cell / width, x = cell % width;
                long at = b * 4 * k + i;
                double w = Math.Max(0, regression[at]), h = Math.Max(0, regression[at + k]);
                double cx = x + regression[at + 2 * k], cy = y + regression[at + 3 * k];
                var box = new BoundingBox((cx - w / 2) * stride, (cy - h / 2) * stride, (cx + w / 2) * stride, (cy + h / 2) * stride);
                detections.Add(new Detection(cls, score, box));
            }
            result[b] = detections;
        }
        return result;
    }
}
