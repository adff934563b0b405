namespace AutoRetrain.Core.Labels;

/// <summary>
/// Checks a label sidecar on its own and against its image. Every problem found is reported,
/// not only the first, so a labelling team can fix a file in one pass.
/// </summary>
public sealed class LabelValidator
{
    private readonly IReadOnlySet<string>? _closedClassSet;

    /// <param name="closedClassSet">When given, any other class name is an error; when null, new classes are welcome.</param>
    public LabelValidator(IReadOnlySet<string>? closedClassSet = null) => _closedClassSet = closedClassSet;

    /// <summary>Checks that need only the label file.</summary>
    public IReadOnlyList<LabelProblem> Validate(LabelFile labels)
    {
        var problems = new List<LabelProblem>();
        if (string.IsNullOrWhiteSpace(labels.Image))
            problems.Add(new(ProblemCode.MissingField, "the \"image\" field is missing or empty."));
        else if (BareFileNameProblem(labels.Image) is { } why)
            problems.Add(new(ProblemCode.UnsafeName, $"the \"image\" field must be a bare file name: {why}"));
        if (labels.Width is <= 0 || labels.Height is <= 0)
            problems.Add(new(ProblemCode.MissingField, $"width and height must be positive, got {labels.Width}×{labels.Height}."));

        if (labels.Objects is null)
        {
            problems.Add(new(ProblemCode.MissingField, "the \"objects\" list is missing or null."));
            return problems;
        }
        for (int i = 0; i < labels.Objects.Count; i++)
        {
            var o = labels.Objects[i];
            if (o is null) { problems.Add(new(ProblemCode.MissingField, "null object.", i)); continue; }
            if (string.IsNullOrWhiteSpace(o.Class))
                problems.Add(new(ProblemCode.MissingField, "the \"class\" name is missing or empty.", i));
            else if (o.Class.Any(char.IsControl))
                problems.Add(new(ProblemCode.UnsafeName,
                    $"class \"{Ports.StoreKeys.Printable(o.Class)}\" contains a control character.", i));
            else if (_closedClassSet is not null && !_closedClassSet.Contains(o.Class))
                problems.Add(new(ProblemCode.UnknownClass,
                    $"class \"{o.Class}\" is not in the closed class set ({string.Join(", ", _closedClassSet.Order())}).", i));

            if (o.Box is null || o.Box.Length != 4)
            {
                problems.Add(new(ProblemCode.MissingField, $"\"box\" must be [xmin, ymin, xmax, ymax], got {o.Box?.Length ?? 0} numbers.", i));
                continue;
            }
            CheckBox(o.Bounds, labels.Width, labels.Height, i, problems);
            if (o.Polygon is not null && o.Polygon.Any(p => p is null || p.Length != 2 || !double.IsFinite(p[0]) || !double.IsFinite(p[1])))
                problems.Add(new(ProblemCode.NonFiniteBox, "\"polygon\" must be a list of finite [x, y] pairs.", i));
        }
        return problems;
    }

    /// <summary>Checks against the decoded image's real size (and the sidecar's declared size).</summary>
    public IReadOnlyList<LabelProblem> Validate(LabelFile labels, int imageWidth, int imageHeight)
    {
        var problems = new List<LabelProblem>();
        if ((labels.Width is int w && w != imageWidth) || (labels.Height is int h && h != imageHeight))
            problems.Add(new(ProblemCode.SizeMismatch,
                $"the label file says the image is {labels.Width}×{labels.Height} but the image is {imageWidth}×{imageHeight}."));
        var sized = labels with { Width = imageWidth, Height = imageHeight };
        problems.AddRange(Validate(sized).Where(p => !problems.Contains(p)));
        return problems;
    }

    /// <summary>Why <paramref name="name"/> is not a plain file name (no folders, no traversal, no control characters), or null.</summary>
    public static string? BareFileNameProblem(string name)
    {
        if (name.Contains('/') || name.Contains('\\')) return $"\"{Ports.StoreKeys.Printable(name)}\" names a folder.";
        if (name is "." or "..") return "\".\" and \"..\" are not file names.";
        if (name.Any(char.IsControl)) return $"\"{Ports.StoreKeys.Printable(name)}\" contains a control character.";
        return null;
    }

    private static void CheckBox(BoundingBox b, int? width, int? height, int index, List<LabelProblem> problems)
    {
        if (!b.IsFinite)
        {
            problems.Add(new(ProblemCode.NonFiniteBox, $"box {b} contains NaN or infinity.", index));
            return;
        }
        if (b.XMin < 0 || b.YMin < 0)
            problems.Add(new(ProblemCode.NegativeCoordinate, $"box {b} has a negative coordinate.", index));
        if (b.XMax <= b.XMin || b.YMax <= b.YMin)
            problems.Add(new(ProblemCode.DegenerateBox, $"box {b} has xmax ≤ xmin or ymax ≤ ymin (zero or negative size).", index));
        if ((width is int w && b.XMax > w) || (height is int h && b.YMax > h))
            problems.Add(new(ProblemCode.OutOfBounds, $"box {b} reaches outside the {width}×{height} image.", index));
    }
}
