using AutoRetrain.Core.Labels;

namespace AutoRetrain.Core.Tests;

public class LabelValidatorTests
{
    private static LabelFile With(params double[][] boxes) => new()
    {
        Image = "a.png", Width = 100, Height = 80,
        Objects = boxes.Select(b => new LabelObject { Class = "plane", Box = b }).ToList(),
    };

    [Fact]
    public void Validate_GoodBox_NoProblem() =>
        Assert.Empty(new LabelValidator().Validate(With([0, 0, 100, 80])));

    [Theory]
    [InlineData(double.NaN, 0, 10, 10, ProblemCode.NonFiniteBox)]
    [InlineData(-1, 0, 10, 10, ProblemCode.NegativeCoordinate)]
    [InlineData(0, 0, 101, 10, ProblemCode.OutOfBounds)]
    [InlineData(0, 0, 10, 81, ProblemCode.OutOfBounds)]
    [InlineData(10, 0, 10, 10, ProblemCode.DegenerateBox)]
    [InlineData(0, 20, 10, 5, ProblemCode.DegenerateBox)]
    public void Validate_BadBox_NamesTheProblem(double x0, double y0, double x1, double y1, ProblemCode expected)
    {
        var problems = new LabelValidator().Validate(With([x0, y0, x1, y1]));
        var p = Assert.Single(problems);
        Assert.Equal(expected, p.Code);
        Assert.Equal(0, p.ObjectIndex);
    }

    [Fact]
    public void Validate_ClosedClassSet_RefusesUnknownClass()
    {
        var v = new LabelValidator(new HashSet<string> { "ship" });
        Assert.Equal(ProblemCode.UnknownClass, Assert.Single(v.Validate(With([0, 0, 5, 5]))).Code);
    }

    [Fact]
    public void Validate_SizeDiffersFromImage_SizeMismatch()
    {
        var problems = new LabelValidator().Validate(With([0, 0, 5, 5]), 200, 80);
        Assert.Equal(ProblemCode.SizeMismatch, Assert.Single(problems).Code);
    }
}
