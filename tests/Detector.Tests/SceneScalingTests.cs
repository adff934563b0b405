using AutoRetrain.Core;
using AutoRetrain.Core.Tiles;
using AutoRetrain.Detector.Data;
using AutoRetrain.Detector.Inference;
using AutoRetrain.Detector.Model;
using AutoRetrain.Imagery.Rasters;
using static TorchSharp.torch;

namespace AutoRetrain.Detector.Tests;

/// <summary>
/// 16-bit and 4-band scenes reach the model through the same scaling as 8-bit RGB, in training (LoadTile) and in
/// prediction (LoadRgb). The 8-bit scene has black and white strips wider than the stretch's 2 % tails, so its
/// 16-bit equivalent (each sample × 257) stretches back onto exactly the same bytes.
/// </summary>
public class SceneScalingTests
{
    [Fact]
    public void Predict_SixteenBitFourBandScene_GivesTheDetectionsOfItsEightBitRgbEquivalent()
    {
        using var folder = new TempFolder();
        var tile = ShapeTiles.Make(1, 96, ["boat", "car", "tank"], seed: 41, objectsPerTile: 6, objectSize: 10)[0];
        byte[] rgb = (byte[])tile.Rgb.Clone();
        for (int x = 0; x < 96; x++)
            for (int row = 0; row < 4; row++)
                for (int c = 0; c < 3; c++)
                {
                    rgb[(row * 96 + x) * 3 + c] = 0;
                    rgb[((95 - row) * 96 + x) * 3 + c] = 255;
                }
        var samples = new ushort[96 * 96 * 4];
        for (int p = 0; p < 96 * 96; p++)
        {
            for (int c = 0; c < 3; c++) samples[p * 4 + c] = (ushort)(rgb[p * 3 + c] * 257);
            samples[p * 4 + 3] = (ushort)(p * 7 % 65536);   // a near-infrared band the detector does not use
        }
        var sixteen = new RasterImage(new ImageInfo(ImageFormat.Tiff, 96, 96, 4, 16), samples);
        string png = folder.Sub("scene8.png"), tif = folder.Sub("scene16.tif");
        File.WriteAllBytes(png, ImageWriter.EncodePng(96, 96, rgb));
        File.WriteAllBytes(tif, ImageWriter.EncodeGeoTiff(sixteen));
        string labels = folder.Sub("labels.json");
        File.WriteAllText(labels, Json.Serialize(new Core.Labels.LabelFile { Image = "scene", Width = 96, Height = 96, Objects = tile.Objects }));

        byte[] predicted8 = DatasetReader.LoadRgb(png, out int w8, out int h8);
        byte[] predicted16 = DatasetReader.LoadRgb(tif, out int w16, out int h16);
        var trained8 = DatasetReader.LoadTile("a", png, labels);
        var trained16 = DatasetReader.LoadTile("b", tif, labels);

        Assert.Equal(rgb, predicted8);
        Assert.Equal(predicted8, predicted16);
        Assert.Equal(predicted16, trained16.Rgb);
        Assert.Equal(trained8.Rgb, trained16.Rgb);
        Assert.Equal((w8, h8), (w16, h16));

        random.manual_seed(3);
        using var model = new CenterNet(DetectorArchitecture.Nano, 3);
        // Boxes of about 3 cells, so the untrained model's peaks survive the stitching's empty-box filter.
        using (no_grad()) model.named_parameters().Single(p => p.name == "size.2.bias").parameter.fill_(3.0);
        var predictor = new ScenePredictor(model, 64, Normalisation.Default, CPU, new PredictionOptions { MinScore = 0 });
        var detections = predictor.Predict([new SceneImage(predicted8, 96, 96), new SceneImage(predicted16, 96, 96)]);
        Assert.NotEmpty(detections[0]);
        Assert.Equal(detections[0], detections[1]);
    }
}
