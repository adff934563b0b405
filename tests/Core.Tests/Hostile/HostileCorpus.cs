using System.Text;
using AutoRetrain.Core.Labels;
using static AutoRetrain.Core.Tests.Ingestion.IngestionFixture;

namespace AutoRetrain.Core.Tests.Hostile;

/// <summary>What must become of one entry of the incoming folder.</summary>
public enum Expect
{
    /// <summary>Became a tile or labels (attached or pending); removed from the folder; no quarantine record.</summary>
    Ingested,
    /// <summary>Copied to quarantine with this code and removed from the folder.</summary>
    Quarantined,
    /// <summary>Quarantined with this code (content kept) and also left in place: maybe an upload that paused.</summary>
    QuarantinedLeftInPlace,
    /// <summary>Never read: a quarantine record with this code only; the entry stays exactly as it was.</summary>
    RecordOnly,
    /// <summary>Not touched and not recorded (an upload in progress, <c>*.partial</c> / <c>*.tmp</c>).</summary>
    Ignored,
}

/// <summary>One expectation: the entry's name relative to the case folder, the outcome and its code.</summary>
public sealed record Expectation(string Relative, Expect Expect, ProblemCode? Code = null);

/// <summary>Where a case writes: its folder inside the watched folder, and a folder outside it it may point at.</summary>
public sealed record CaseFolders(string Inside, string Outside)
{
    public void Write(string relative, byte[] content)
    {
        string path = Path.Combine(Inside, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    public void Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));
}

/// <summary>A hostile (or ordinary) input and what the watcher must make of it.</summary>
public sealed record HostileCase(string Name, Action<CaseFolders> Create, params Expectation[] Expectations)
{
    public override string ToString() => Name;
}

/// <summary>
/// The corpus: every kind of bad input the ingestion path has met (issue 14 and the documented ones before it), plus
/// good inputs that must still go through beside them. Each case lives in its own folder.
/// </summary>
public static class HostileCorpus
{
    /// <summary>The label-file byte limit the corpus runs under (small, so "too large" needs no huge file).</summary>
    public const long SidecarLimit = 64 * 1024;

    /// <summary>The image byte limit the corpus runs under.</summary>
    public const long ImageByteLimit = 2 * 1024 * 1024;

    private static readonly byte[] GoodPng = Png(7, 40, 30);

    private static string Sidecar(string image, string objects, int width = 40, int height = 30) =>
        $$"""{"version": 1, "image": "{{image}}", "width": {{width}}, "height": {{height}}, "objects": {{objects}}}""";

    private const string OneShip = """[{"class": "ship", "box": [1, 1, 9, 9]}]""";

    public static IReadOnlyList<HostileCase> All { get; } = Build();

    private static List<HostileCase> Build()
    {
        var cases = new List<HostileCase>();
        void Add(string name, Action<CaseFolders> create, params Expectation[] expect) => cases.Add(new(name, create, expect));
        Expectation E(string rel, Expect e, ProblemCode? code = null) => new(rel, e, code);

        // Good inputs, which must go through beside the bad ones.
        Add("good png", c => c.Write("a.png", Png(1)), E("a.png", Expect.Ingested));
        Add("good jpeg", c => c.Write("a.jpg", ImageWriterJpeg(2)), E("a.jpg", Expect.Ingested));
        Add("good png, upper-case extension", c => c.Write("A.PNG", Png(3)), E("A.PNG", Expect.Ingested));
        Add("good png without extension (sniffed)", c => c.Write("noext", Png(4)), E("noext", Expect.Ingested));
        Add("good png in a nested folder", c => c.Write("x/y/z/a.png", Png(5)), E("x/y/z/a.png", Expect.Ingested));
        Add("good pair", c => { c.Write("p.png", GoodPng); c.Write("p.labels.json", Sidecar("p.png", OneShip)); },
            E("p.png", Expect.Ingested), E("p.labels.json", Expect.Ingested));
        Add("labels alone (pending)", c => c.Write("q.labels.json", Sidecar("q.png", OneShip)), E("q.labels.json", Expect.Ingested));
        Add("confirmed background: objects []", c => c.Write("b.labels.json", Sidecar("b.png", "[]")), E("b.labels.json", Expect.Ingested));
        Add("sidecar with a UTF-8 BOM", c => c.Write("bom.labels.json", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Sidecar("bom.png", OneShip))]),
            E("bom.labels.json", Expect.Ingested));
        Add("unicode name", c => c.Write("ä-straße.png", Png(6)), E("ä-straße.png", Expect.Ingested));
        Add("name with spaces", c => c.Write("a b c.png", Png(8)), E("a b c.png", Expect.Ingested));
        Add("hidden file name", c => c.Write(".hidden.png", Png(9)), E(".hidden.png", Expect.Ingested));
        Add("hard link to a file outside (our name is read and unlinked, the outside file stays)", c =>
        {
            string outside = Path.Combine(c.Outside, "hard-target.png");
            File.WriteAllBytes(outside, Png(10));
            Directory.CreateDirectory(c.Inside);
            HardLink(outside, Path.Combine(c.Inside, "hard.png"));
        }, E("hard.png", Expect.Ingested));
        Add("sidecar with a polygon and difficult flag", c => c.Write("poly.labels.json",
            Sidecar("poly.png", """[{"class": "plane", "box": [1, 1, 9, 9], "polygon": [[1,1],[9,1],[9,9],[1,9]], "difficult": true}]""")),
            E("poly.labels.json", Expect.Ingested));
        Add("labels with unknown extra fields", c => c.Write("extra.labels.json",
            """{"image": "extra.png", "objects": [], "tool": "cvat", "note": {"a": 1}}"""), E("extra.labels.json", Expect.Ingested));

        // Empty and truncated images: recorded, and left where they are in case the upload resumes.
        Add("empty png", c => c.Write("empty.png", []), E("empty.png", Expect.QuarantinedLeftInPlace, ProblemCode.EmptyFile));
        Add("empty sidecar", c => c.Write("empty.labels.json", []), E("empty.labels.json", Expect.QuarantinedLeftInPlace, ProblemCode.EmptyFile));
        foreach (double fraction in new[] { 0.3, 0.5, 0.8, 0.95 })
            Add($"png truncated at {fraction:P0}", c => c.Write("cut.png", GoodPng[..(int)(GoodPng.Length * fraction)]),
                E("cut.png", Expect.QuarantinedLeftInPlace, ProblemCode.TruncatedImage));
        var jpeg = ImageWriterJpeg(11);
        foreach (double fraction in new[] { 0.5, 0.9 })
            Add($"jpeg truncated at {fraction:P0}", c => c.Write("cut.jpg", jpeg[..(int)(jpeg.Length * fraction)]),
                E("cut.jpg", Expect.QuarantinedLeftInPlace, ProblemCode.TruncatedImage));

        // Images that are not what they claim.
        Add("png signature only", c => c.Write("sig.png", GoodPng[..8]), E("sig.png", Expect.QuarantinedLeftInPlace, ProblemCode.TruncatedImage));
        Add("random bytes named .png", c => c.Write("noise.png", Noise(1, 500)), E("noise.png", Expect.Quarantined, ProblemCode.UnsupportedFormat));
        Add("text named .jpg", c => c.Write("text.jpg", "hello, world"), E("text.jpg", Expect.Quarantined, ProblemCode.UnsupportedFormat));
        Add("text file .txt", c => c.Write("readme.txt", "notes"), E("readme.txt", Expect.Quarantined, ProblemCode.UnsupportedFormat));
        Add("zip file", c => c.Write("a.zip", [0x50, 0x4B, 0x03, 0x04, .. Noise(2, 100)]), E("a.zip", Expect.Quarantined, ProblemCode.UnsupportedFormat));
        Add("png with a corrupted body", c => { var b = (byte[])GoodPng.Clone(); for (int i = 60; i < b.Length - 20; i++) b[i] ^= 0x5A; c.Write("bad.png", b); },
            E("bad.png", Expect.Quarantined, ProblemCode.CorruptImage));
        Add("png declaring 100000 x 100000 pixels (decompression bomb)", c => c.Write("bomb.png", PngWithSize(GoodPng, 100_000, 100_000)),
            E("bomb.png", Expect.Quarantined, ProblemCode.ImageTooLarge));
        Add("png declaring 0 x 0 pixels", c => c.Write("zero.png", PngWithSize(GoodPng, 0, 0)), E("zero.png", Expect.Quarantined, ProblemCode.CorruptImage));
        Add("tiff header then garbage", c => c.Write("g.tif", [0x49, 0x49, 0x2A, 0x00, 0x08, 0, 0, 0, .. Noise(3, 64)]),
            E("g.tif", Expect.Quarantined, ProblemCode.CorruptImage));
        Add("image above the byte limit (refused unread)", c => c.Write("huge.png", [.. GoodPng, .. new byte[ImageByteLimit]]),
            E("huge.png", Expect.RecordOnly, ProblemCode.ImageTooLarge));

        // Label sidecars.
        Add("objects null", c => c.Write("n.labels.json", Sidecar("n.png", "null")), E("n.labels.json", Expect.Quarantined, ProblemCode.MissingField));
        Add("objects absent", c => c.Write("abs.labels.json", """{"image": "abs.png", "width": 40, "height": 30}"""),
            E("abs.labels.json", Expect.Quarantined, ProblemCode.MissingField));
        Add("objects a string", c => c.Write("s.labels.json", Sidecar("s.png", "\"ship\"")), E("s.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("objects an object", c => c.Write("o.labels.json", Sidecar("o.png", "{}")), E("o.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("object null in the list", c => c.Write("on.labels.json", Sidecar("on.png", "[null]")), E("on.labels.json", Expect.Quarantined, ProblemCode.MissingField));
        Add("duplicate key image", c => c.Write("d.labels.json", """{"image": "d.png", "image": "other.png", "objects": []}"""),
            E("d.labels.json", Expect.Quarantined, ProblemCode.DuplicateKey));
        Add("duplicate key objects", c => c.Write("d2.labels.json", """{"image": "d2.png", "objects": [], "objects": [{"class": "a", "box": [1,1,2,2]}]}"""),
            E("d2.labels.json", Expect.Quarantined, ProblemCode.DuplicateKey));
        Add("duplicate key inside an object", c => c.Write("d3.labels.json", Sidecar("d3.png", """[{"class": "a", "class": "b", "box": [1,1,2,2]}]""")),
            E("d3.labels.json", Expect.Quarantined, ProblemCode.DuplicateKey));
        Add("image ../../x.png", c => c.Write("t.labels.json", Sidecar("../../t.png", "[]")), E("t.labels.json", Expect.Quarantined, ProblemCode.UnsafeName));
        Add("image with a folder", c => c.Write("f.labels.json", Sidecar("sub/f.png", "[]")), E("f.labels.json", Expect.Quarantined, ProblemCode.UnsafeName));
        Add("image with a backslash", c => c.Write("bs.labels.json", Sidecar("sub\\\\bs.png", "[]")), E("bs.labels.json", Expect.Quarantined, ProblemCode.UnsafeName));
        Add("image field missing", c => c.Write("im.labels.json", """{"objects": []}"""), E("im.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("image field empty", c => c.Write("ie.labels.json", Sidecar("", "[]")), E("ie.labels.json", Expect.Quarantined, ProblemCode.MissingField));
        Add("image name mismatch", c => c.Write("mm.labels.json", Sidecar("other.png", "[]")), E("mm.labels.json", Expect.Quarantined, ProblemCode.ImageNameMismatch));
        Add("class with a newline", c => c.Write("cn.labels.json", Sidecar("cn.png", """[{"class": "sh\nip", "box": [1,1,9,9]}]""")),
            E("cn.labels.json", Expect.Quarantined, ProblemCode.UnsafeName));
        Add("class with an escape sequence", c => c.Write("ce.labels.json", Sidecar("ce.png", """[{"class": "\u001b[31mred", "box": [1,1,9,9]}]""")),
            E("ce.labels.json", Expect.Quarantined, ProblemCode.UnsafeName));
        Add("class empty", c => c.Write("cm.labels.json", Sidecar("cm.png", """[{"class": "", "box": [1,1,9,9]}]""")),
            E("cm.labels.json", Expect.Quarantined, ProblemCode.MissingField));
        Add("class a number", c => c.Write("c1.labels.json", Sidecar("c1.png", """[{"class": 3, "box": [1,1,9,9]}]""")),
            E("c1.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("box NaN", c => c.Write("nan.labels.json", Sidecar("nan.png", """[{"class": "a", "box": ["NaN", 1, 9, 9]}]""")),
            E("nan.labels.json", Expect.Quarantined, ProblemCode.NonFiniteBox));
        Add("box Infinity", c => c.Write("inf.labels.json", Sidecar("inf.png", """[{"class": "a", "box": [1, 1, "Infinity", 9]}]""")),
            E("inf.labels.json", Expect.Quarantined, ProblemCode.NonFiniteBox));
        Add("box three numbers", c => c.Write("b3.labels.json", Sidecar("b3.png", """[{"class": "a", "box": [1, 1, 9]}]""")),
            E("b3.labels.json", Expect.Quarantined, ProblemCode.MissingField));
        Add("box missing", c => c.Write("bm.labels.json", Sidecar("bm.png", """[{"class": "a"}]""")),
            E("bm.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("box strings", c => c.Write("bst.labels.json", Sidecar("bst.png", """[{"class": "a", "box": ["1", "x", "9", "9"]}]""")),
            E("bst.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("box negative", c => c.Write("neg.labels.json", Sidecar("neg.png", """[{"class": "a", "box": [-1, 1, 9, 9]}]""")),
            E("neg.labels.json", Expect.Quarantined, ProblemCode.NegativeCoordinate));
        Add("box degenerate", c => c.Write("deg.labels.json", Sidecar("deg.png", """[{"class": "a", "box": [9, 1, 9, 9]}]""")),
            E("deg.labels.json", Expect.Quarantined, ProblemCode.DegenerateBox));
        Add("box inverted", c => c.Write("inv.labels.json", Sidecar("inv.png", """[{"class": "a", "box": [9, 9, 1, 1]}]""")),
            E("inv.labels.json", Expect.Quarantined, ProblemCode.DegenerateBox));
        Add("box outside the declared size", c => c.Write("oob.labels.json", Sidecar("oob.png", """[{"class": "a", "box": [1, 1, 99, 9]}]""")),
            E("oob.labels.json", Expect.Quarantined, ProblemCode.OutOfBounds));
        Add("box outside the real image", c => { c.Write("oi.png", Png(12, 40, 30)); c.Write("oi.labels.json",
            """{"image": "oi.png", "objects": [{"class": "a", "box": [1, 1, 39, 35]}]}"""); },
            E("oi.png", Expect.Ingested), E("oi.labels.json", Expect.Quarantined, ProblemCode.OutOfBounds));
        Add("declared size differs from the image", c => { c.Write("sm.png", Png(13, 40, 30)); c.Write("sm.labels.json", Sidecar("sm.png", "[]", 50, 30)); },
            E("sm.png", Expect.Ingested), E("sm.labels.json", Expect.Quarantined, ProblemCode.SizeMismatch));
        Add("width zero", c => c.Write("w0.labels.json", Sidecar("w0.png", "[]", 0, 30)), E("w0.labels.json", Expect.Quarantined, ProblemCode.MissingField));
        Add("width negative", c => c.Write("wn.labels.json", Sidecar("wn.png", "[]", -4, 30)), E("wn.labels.json", Expect.Quarantined, ProblemCode.MissingField));
        Add("polygon with NaN", c => c.Write("pn.labels.json", Sidecar("pn.png", """[{"class": "a", "box": [1,1,9,9], "polygon": [[1,"NaN"],[2,2],[3,3]]}]""")),
            E("pn.labels.json", Expect.Quarantined, ProblemCode.NonFiniteBox));
        Add("polygon with a 3-number point", c => c.Write("p3.labels.json", Sidecar("p3.png", """[{"class": "a", "box": [1,1,9,9], "polygon": [[1,1,1]]}]""")),
            E("p3.labels.json", Expect.Quarantined, ProblemCode.NonFiniteBox));
        Add("malformed json", c => c.Write("m.labels.json", "{\"image\": "), E("m.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("json array root", c => c.Write("ar.labels.json", "[]"), E("ar.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("json null root", c => c.Write("nu.labels.json", "null"), E("nu.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("json number root", c => c.Write("num.labels.json", "42"), E("num.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("json with comments", c => c.Write("cmt.labels.json", "// hi\n" + Sidecar("cmt.png", "[]")), E("cmt.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("json with a trailing comma", c => c.Write("tc.labels.json", """{"image": "tc.png", "objects": [],}"""), E("tc.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("json nested 1000 deep", c => c.Write("deep.labels.json", $$"""{"image": "deep.png", "objects": [], "x": {{new string('[', 1000)}}{{new string(']', 1000)}}}"""),
            E("deep.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("sidecar in UTF-16", c => c.Write("u16.labels.json", Encoding.Unicode.GetBytes(Sidecar("u16.png", "[]"))), E("u16.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("sidecar with invalid UTF-8", c => c.Write("iu.labels.json", [.. Encoding.UTF8.GetBytes("{\"image\": \"iu"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(".png\", \"objects\": []}")]),
            E("iu.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("sidecar that is a png", c => c.Write("img.labels.json", Png(14)), E("img.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("version a string", c => c.Write("vs.labels.json", """{"version": "one", "image": "vs.png", "objects": []}"""), E("vs.labels.json", Expect.Quarantined, ProblemCode.MalformedJson));
        Add("sidecar above the byte limit (refused unread)", c => c.Write("big.labels.json",
            Sidecar("big.png", "[" + string.Join(",", Enumerable.Repeat("""{"class": "a", "box": [1,1,9,9]}""", 3000)) + "]")),
            E("big.labels.json", Expect.RecordOnly, ProblemCode.FileTooLarge));

        // Names.
        Add("name with a newline", c => c.Write("new\nline.png", Png(15)), E("new\nline.png", Expect.Quarantined, ProblemCode.UnsafeName));
        Add("name with an escape sequence", c => c.Write("\u001b]0;pwned\u0007.png", Png(16)), E("\u001b]0;pwned\u0007.png", Expect.Quarantined, ProblemCode.UnsafeName));
        Add("name with a tab", c => c.Write("a\tb.png", Png(17)), E("a\tb.png", Expect.Quarantined, ProblemCode.UnsafeName));
        Add("name with a backslash", c => c.Write("a\\b.png", Png(18)), E("a\\b.png", Expect.Quarantined, ProblemCode.UnsafeName));
        Add("name that is not valid UTF-8", c => { Directory.CreateDirectory(c.Inside); SpecialFiles.RawName(c.Inside, [0x66, 0xFF, 0xFE, 0x2E, 0x70, 0x6E, 0x67], Png(19)); },
            E("f\uFFFD\uFFFD.png", Expect.RecordOnly, ProblemCode.UnsafeName));
        Add("name that is not valid UTF-8, empty", c => { Directory.CreateDirectory(c.Inside); SpecialFiles.RawName(c.Inside, [0xC3, 0x28, 0x2E, 0x70, 0x6E, 0x67], []); },
            E("\uFFFD(.png", Expect.RecordOnly, ProblemCode.UnsafeName));
        Add("path longer than 1024 characters", c => c.Write(string.Join("/", Enumerable.Repeat(new string('d', 200), 6)) + "/long.png", Png(20)),
            E(string.Join("/", Enumerable.Repeat(new string('d', 200), 6)) + "/long.png", Expect.Quarantined, ProblemCode.UnsafeName));
        Add("same bad bytes in two folders with the same name", c => { c.Write("a/x.png", "bad"); c.Write("b/x.png", "bad"); },
            E("a/x.png", Expect.Quarantined, ProblemCode.UnsupportedFormat), E("b/x.png", Expect.Quarantined, ProblemCode.UnsupportedFormat));
        Add("same bad bytes under names that sanitise alike", c => { c.Write("ä.png", "bad"); c.Write("ö.png", "bad"); },
            E("ä.png", Expect.Quarantined, ProblemCode.UnsupportedFormat), E("ö.png", Expect.Quarantined, ProblemCode.UnsupportedFormat));
        Add("name '...png'", c => c.Write("...png", Png(21)), E("...png", Expect.Ingested));
        Add("sidecar name only ('.labels.json')", c => c.Write(".labels.json", Sidecar(".png", "[]")), E(".labels.json", Expect.Ingested));

        // Entries that are not regular files: never opened, recorded, left alone.
        Add("FIFO named a.png", c => { Directory.CreateDirectory(c.Inside); SpecialFiles.Fifo(Path.Combine(c.Inside, "a.png")); },
            E("a.png", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("FIFO named a.labels.json in a sub-folder", c => { Directory.CreateDirectory(Path.Combine(c.Inside, "s")); SpecialFiles.Fifo(Path.Combine(c.Inside, "s", "a.labels.json")); },
            E("s/a.labels.json", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("FIFO beside a good image", c => { c.Write("good.png", Png(22)); SpecialFiles.Fifo(Path.Combine(c.Inside, "pipe.jpg")); },
            E("good.png", Expect.Ingested), E("pipe.jpg", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("character device named z.png", c => { Directory.CreateDirectory(c.Inside); SpecialFiles.CharacterDevice(Path.Combine(c.Inside, "z.png")); },
            E("z.png", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("unix socket named s.png", c => { Directory.CreateDirectory(c.Inside); SpecialFiles.UnixSocket(Path.Combine(c.Inside, "s.png")); },
            E("s.png", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("symlink to /dev/zero", c => Link(c, "z.png", "/dev/zero"), E("z.png", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("symlink to /etc/passwd", c => Link(c, "passwd.png", "/etc/passwd"), E("passwd.png", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("symlink to a good image outside", c =>
        {
            string target = Path.Combine(c.Outside, "outside.png");
            File.WriteAllBytes(target, Png(23));
            Link(c, "outside.png", target);
        }, E("outside.png", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("symlink to a folder outside holding images", c =>
        {
            string target = Path.Combine(c.Outside, "folder");
            Directory.CreateDirectory(target);
            File.WriteAllBytes(Path.Combine(target, "o1.png"), Png(24));
            File.WriteAllBytes(Path.Combine(target, "o1.labels.json"), Encoding.UTF8.GetBytes(Sidecar("o1.png", OneShip)));
            Link(c, "elsewhere", target);
        }, E("elsewhere", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("symlink to the parent folder", c => Link(c, "up", ".."), E("up", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("symlink to a file inside the folder", c => { c.Write("real.png", Png(25)); Link(c, "alias.png", "real.png"); },
            E("real.png", Expect.Ingested), E("alias.png", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("dangling symlink", c => Link(c, "dangling.png", "/nonexistent/nothing.png"), E("dangling.png", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("symlink loop", c => { Link(c, "loop1.png", "loop2.png"); Link(c, "loop2.png", "loop1.png"); },
            E("loop1.png", Expect.RecordOnly, ProblemCode.NotARegularFile), E("loop2.png", Expect.RecordOnly, ProblemCode.NotARegularFile));
        Add("symlinked sidecar", c => { File.WriteAllText(Path.Combine(c.Outside, "l.labels.json"), Sidecar("l.png", OneShip)); Link(c, "l.labels.json", Path.Combine(c.Outside, "l.labels.json")); },
            E("l.labels.json", Expect.RecordOnly, ProblemCode.NotARegularFile));

        // Permissions. The tests run as root, who may read anything: a file nobody may read is refused by its mode.
        Add("mode 000", c => { c.Write("locked.png", Png(26)); Chmod(Path.Combine(c.Inside, "locked.png"), UnixFileMode.None); },
            E("locked.png", Expect.RecordOnly, ProblemCode.Unreadable));
        Add("write-only mode 200", c => { c.Write("wo.png", Png(27)); Chmod(Path.Combine(c.Inside, "wo.png"), UnixFileMode.UserWrite); },
            E("wo.png", Expect.RecordOnly, ProblemCode.Unreadable));
        Add("read-only mode 444 (readable: ingested)", c => { c.Write("ro.png", Png(28)); Chmod(Path.Combine(c.Inside, "ro.png"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead); },
            E("ro.png", Expect.Ingested));

        // Uploads in progress.
        Add("x.png.partial", c => c.Write("x.png.partial", GoodPng[..100]), E("x.png.partial", Expect.Ignored));
        Add("x.tmp", c => c.Write("x.tmp", GoodPng), E("x.tmp", Expect.Ignored));
        Add("X.PARTIAL upper case", c => c.Write("X.PARTIAL", GoodPng), E("X.PARTIAL", Expect.Ignored));
        Add("FIFO named .partial (ignored, never opened)", c => { Directory.CreateDirectory(c.Inside); SpecialFiles.Fifo(Path.Combine(c.Inside, "f.partial")); },
            E("f.partial", Expect.Ignored));

        // Mixed batches: one bad file never stops the others.
        Add("batch: bad files first, good last", c =>
        {
            c.Write("0-bad.png", "x");
            c.Write("1-null.labels.json", Sidecar("1-null.png", "null"));
            SpecialFiles.Fifo(Path.Combine(c.Inside, "2-fifo.png"));
            Link(c, "3-link.png", "/dev/zero");
            c.Write("9-good.png", Png(29, 40, 30));
            c.Write("9-good.labels.json", Sidecar("9-good.png", OneShip));
        }, E("0-bad.png", Expect.Quarantined, ProblemCode.UnsupportedFormat), E("1-null.labels.json", Expect.Quarantined, ProblemCode.MissingField),
           E("2-fifo.png", Expect.RecordOnly, ProblemCode.NotARegularFile), E("3-link.png", Expect.RecordOnly, ProblemCode.NotARegularFile),
           E("9-good.png", Expect.Ingested), E("9-good.labels.json", Expect.Ingested));
        for (int i = 0; i < 6; i++)
        {
            int seed = 100 + i;
            Add($"random garbage #{i}", c => c.Write($"garbage-{seed}.png", Noise(seed, 10 + seed * 37)),
                E($"garbage-{seed}.png", Expect.Quarantined, ProblemCode.UnsupportedFormat));
            Add($"png with a random byte flipped #{i}", c => { var b = (byte[])GoodPng.Clone(); b[16 + (seed * 131) % (b.Length - 16)] ^= 0xFF; c.Write($"flip-{seed}.png", b); },
                E($"flip-{seed}.png", Expect.Quarantined, ProblemCode.CorruptImage));
        }
        return cases;
    }

    private static void Chmod(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the corpus needs a Unix file system.");
        File.SetUnixFileMode(path, mode);
    }

    private static void Link(CaseFolders c, string name, string target)
    {
        Directory.CreateDirectory(c.Inside);
        File.CreateSymbolicLink(Path.Combine(c.Inside, name), target);
    }

    private static void HardLink(string existing, string link)
    {
        if (LinkNative(existing, link) != 0) throw new IOException($"link {existing} {link} failed.");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link")]
    private static extern int LinkNative(
        [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string existing,
        [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string link);

    private static byte[] Noise(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes[0] = (byte)'#'; // never a valid image signature
        return bytes;
    }

    private static byte[] ImageWriterJpeg(int seed)
    {
        var random = new Random(seed);
        var rgb = new byte[40 * 30 * 3];
        random.NextBytes(rgb);
        return Imagery.Rasters.ImageWriter.EncodeJpeg(40, 30, rgb);
    }

    /// <summary>The PNG with its IHDR width and height replaced (and the chunk's CRC recomputed).</summary>
    private static byte[] PngWithSize(byte[] png, int width, int height)
    {
        var b = (byte[])png.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(20), height);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(29), Crc32(b.AsSpan(12, 17)));
        return b;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte x in data)
        {
            crc ^= x;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
