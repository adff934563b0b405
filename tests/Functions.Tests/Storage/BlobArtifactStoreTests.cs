using AutoRetrain.Cloud.Storage;
using AutoRetrain.Core;
using AutoRetrain.Core.Ports;

namespace AutoRetrain.Functions.Tests.Storage;

public sealed class BlobArtifactStoreTests
{
    private readonly BlobArtifactStore _store = new(Azurite.Connect().Blobs);
    private readonly string _prefix = $"tests/{Guid.NewGuid():N}/";

    [Fact]
    public async Task PutAsync_ThenGet_ReturnsTheSameBytes()
    {
        byte[] content = [1, 2, 3, 250];
        Assert.True(await _store.PutAsync(Containers.Models, _prefix + "a/model.bin", content));
        Assert.Equal(content, await _store.GetAsync(Containers.Models, _prefix + "a/model.bin"));
        Assert.True(await _store.ExistsAsync(Containers.Models, _prefix + "a/model.bin"));
    }

    [Fact]
    public async Task GetAsync_MissingBlob_ReturnsNull()
    {
        Assert.Null(await _store.GetAsync(Containers.Runs, _prefix + "missing.json"));
        Assert.False(await _store.ExistsAsync(Containers.Runs, _prefix + "missing.json"));
    }

    [Fact]
    public async Task PutAsync_WithoutOverwriteOnExistingBlob_ReturnsFalseAndKeepsTheFirstContent()
    {
        Assert.True(await _store.PutAsync(Containers.Datasets, _prefix + "x", new byte[] { 1 }, overwrite: false));
        Assert.False(await _store.PutAsync(Containers.Datasets, _prefix + "x", new byte[] { 2 }, overwrite: false));
        Assert.Equal(new byte[] { 1 }, await _store.GetAsync(Containers.Datasets, _prefix + "x"));
    }

    [Fact]
    public async Task PutAsync_WithOverwrite_ReplacesTheContent()
    {
        await _store.PutAsync(Containers.Runs, _prefix + "y", new byte[] { 1 });
        Assert.True(await _store.PutAsync(Containers.Runs, _prefix + "y", new byte[] { 2, 3 }));
        Assert.Equal(new byte[] { 2, 3 }, await _store.GetAsync(Containers.Runs, _prefix + "y"));
    }

    [Fact]
    public async Task PutAsync_ConcurrentCreatesOfOneKey_ExactlyOneWrites()
    {
        var writes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            _store.PutAsync(Containers.Datasets, _prefix + "same", new byte[] { (byte)i }, overwrite: false)));
        Assert.Single(writes, w => w);
    }

    [Fact]
    public async Task ListAsync_WithPrefix_ListsOnlyThatPrefixInOrder()
    {
        await _store.PutAsync(Containers.Quarantine, _prefix + "b/2.json", new byte[] { 1 });
        await _store.PutAsync(Containers.Quarantine, _prefix + "b/1.json", new byte[] { 1 });
        await _store.PutAsync(Containers.Quarantine, _prefix + "c/3.json", new byte[] { 1 });

        var keys = new List<string>();
        await foreach (var key in _store.ListAsync(Containers.Quarantine, _prefix + "b/")) keys.Add(key);

        Assert.Equal([_prefix + "b/1.json", _prefix + "b/2.json"], keys);
    }

    [Fact]
    public async Task DeleteAsync_ExistingThenMissing_ReturnsTrueThenFalse()
    {
        await _store.PutAsync(Containers.Incoming, _prefix + "gone.png", new byte[] { 1 });
        Assert.True(await _store.DeleteAsync(Containers.Incoming, _prefix + "gone.png"));
        Assert.False(await _store.DeleteAsync(Containers.Incoming, _prefix + "gone.png"));
    }

    [Theory]
    [InlineData("../escape.png")]
    [InlineData("a//b.png")]
    [InlineData("/absolute.png")]
    public async Task PutAsync_UnsafeKey_Throws(string key)
    {
        var ex = await Assert.ThrowsAsync<AutoRetrainException>(() => _store.PutAsync(Containers.Incoming, key, new byte[] { 1 }));
        Assert.Contains("unsafe name", ex.Message);
    }

    [Fact]
    public async Task GetAsync_UnknownContainer_Throws()
    {
        var ex = await Assert.ThrowsAsync<AutoRetrainException>(() => _store.GetAsync("secrets", "a"));
        Assert.Contains("unknown container", ex.Message);
    }
}
