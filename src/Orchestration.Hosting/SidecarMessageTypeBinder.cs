using DurableTask.AzureStorage;
using Google.Protobuf.Collections;

namespace AutoRetrain.Orchestration.Hosting;

/// <summary>
/// Names the types written into the Azure Storage provider's queue messages. The provider serializes messages with
/// type names and reads back only types it can load by name. The sidecar hands it the tags of a sub-orchestration's
/// start event as a Protobuf <see cref="MapField{TKey,TValue}"/>, whose name it cannot resolve, so every
/// sub-orchestration's start message failed to deserialize and the parent waited for ever. Tags are written as a
/// plain dictionary instead, and a MapField name already in a queue is read as one.
/// </summary>
internal sealed class SidecarMessageTypeBinder : ICustomTypeBinder
{
    private static readonly string MapFieldName = typeof(MapField<,>).FullName!;

    public void BindToName(Type serializedType, out string? assemblyName, out string typeName)
    {
        assemblyName = null;
        typeName = serializedType == typeof(MapField<string, string>)
            ? typeof(Dictionary<string, string>).FullName!
            : serializedType.FullName!;
    }

    public Type BindToType(string? assemblyName, string typeName) =>
        typeName.StartsWith(MapFieldName, StringComparison.Ordinal)
            ? typeof(Dictionary<string, string>)
            : Type.GetType(typeName, throwOnError: true)!;
}
