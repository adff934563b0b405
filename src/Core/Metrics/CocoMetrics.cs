namespace AutoRetrain.Core.Metrics;

/// <summary>
/// pycocotools' 12 summary numbers (<c>COCOeval.stats</c>, same order), plus AP and AP50 per
/// category. -1 wherever pycocotools gives -1 (no ground truth to score against).
/// </summary>
public sealed class CocoMetrics
{
    internal CocoMetrics(IReadOnlyList<string> categories, CocoPrecisionTable table)
    {
        Categories = categories;
        Table = table;
        const int all = CocoParameters.AllAreas, small = CocoParameters.Small, medium = CocoParameters.Medium, large = CocoParameters.Large;
        int last = CocoParameters.M - 1;
        Stats =
        [
            Precision(null, all, last),
            Precision(CocoParameters.Iou50, all, last),
            Precision(CocoParameters.Iou75, all, last),
            Precision(null, small, last),
            Precision(null, medium, last),
            Precision(null, large, last),
            Recall(all, 0),
            Recall(all, 1),
            Recall(all, last),
            Recall(small, last),
            Recall(medium, last),
            Recall(large, last),
        ];
        var ap = new double[categories.Count];
        var ap50 = new double[categories.Count];
        for (int k = 0; k < ap.Length; k++)
        {
            ap[k] = CategoryPrecision(k, null);
            ap50[k] = CategoryPrecision(k, CocoParameters.Iou50);
        }
        PerClassAP = ap;
        PerClassAP50 = ap50;
    }

    /// <summary>The names the 12 numbers carry in <c>--json</c> output, in <see cref="Stats"/> order.</summary>
    public static readonly IReadOnlyList<string> StatNames =
        ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"];

    public IReadOnlyList<string> Categories { get; }

    /// <summary>accumulate()'s full precision and recall arrays, for curves or other summaries.</summary>
    public CocoPrecisionTable Table { get; }

    /// <summary>COCOeval.stats: AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl.</summary>
    public IReadOnlyList<double> Stats { get; }

    public double AP => Stats[0];
    public double AP50 => Stats[1];
    public double AP75 => Stats[2];

    /// <summary>AP@[.50:.95], area all, 100 detections, per category index; -1 for a category without ground truth.</summary>
    public IReadOnlyList<double> PerClassAP { get; }

    /// <summary>AP@.50, area all, 100 detections, per category index; -1 for a category without ground truth.</summary>
    public IReadOnlyList<double> PerClassAP50 { get; }

    /// <summary>The summary lines exactly as pycocotools' summarize() prints them.</summary>
    public IReadOnlyList<string> SummaryLines()
    {
        var lines = new string[Stats.Count];
        for (int i = 0; i < lines.Length; i++)
        {
            bool isAp = i < 6;
            string iou = i == 1 ? "0.50" : i == 2 ? "0.75" : "0.50:0.95";
            string area = CocoParameters.AreaRangeLabels[i is 3 or 9 ? 1 : i is 4 or 10 ? 2 : i is 5 or 11 ? 3 : 0];
            int maxDets = i == 6 ? 1 : i == 7 ? 10 : 100;
            lines[i] = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $" {(isAp ? "Average Precision" : "Average Recall"),-18} {(isAp ? "(AP)" : "(AR)")} @[ IoU={iou,-9} | area={area,6} | maxDets={maxDets,3} ] = {Stats[i]:F3}");
        }
        return lines;
    }

    // summarize(): mean over every (threshold, recall point, category) entry above -1, in C order.
    private double Precision(int? iouIndex, int a, int m)
    {
        var values = new List<double>();
        for (int t = 0; t < CocoParameters.T; t++)
        {
            if (iouIndex is int only && t != only) continue;
            for (int r = 0; r < CocoParameters.R; r++)
                for (int k = 0; k < Categories.Count; k++)
                    AddValid(values, Table.Precision(t, r, k, a, m));
        }
        return NumpyMean.MeanOrMinusOne(values);
    }

    private double Recall(int a, int m)
    {
        var values = new List<double>();
        for (int t = 0; t < CocoParameters.T; t++)
            for (int k = 0; k < Categories.Count; k++)
                AddValid(values, Table.Recall(t, k, a, m));
        return NumpyMean.MeanOrMinusOne(values);
    }

    private double CategoryPrecision(int k, int? iouIndex)
    {
        var values = new List<double>();
        for (int t = 0; t < CocoParameters.T; t++)
        {
            if (iouIndex is int only && t != only) continue;
            for (int r = 0; r < CocoParameters.R; r++)
                AddValid(values, Table.Precision(t, r, k, CocoParameters.AllAreas, CocoParameters.M - 1));
        }
        return NumpyMean.MeanOrMinusOne(values);
    }

    private static void AddValid(List<double> values, double v)
    {
        if (v > -1) values.Add(v);
    }
}
