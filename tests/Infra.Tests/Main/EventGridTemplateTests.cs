using AutoRetrain.Infra.Tests.Template;

namespace AutoRetrain.Infra.Tests.Main;

[Collection(MainTemplateCollection.Name)]
public class EventGridTemplateTests(MainTemplateFixture fixture)
{
    private readonly ArmTemplate template = fixture.Template;

    [Fact]
    public void SystemTopic_PublishesThePipelineStorageAccountEvents()
    {
        var topic = template.Single("Microsoft.EventGrid/systemTopics");
        Assert.Equal("Microsoft.Storage.StorageAccounts", topic.Text("properties.topicType"));
        Assert.Contains("Microsoft.Storage/storageAccounts", topic.Text("properties.source"));
        // The topic's source is the account the pipeline storage module creates, named in main.bicep.
        Assert.Equal("[variables('names').storageAccount]",
            template.Module("storage-system-topic").Find("properties.parameters.storageAccountName.value")!.ToString());
        Assert.Equal("[variables('names').storageAccount]",
            template.Module("pipeline-storage").Find("properties.parameters.storageAccountName.value")!.ToString());
    }

    [Fact]
    public void Subscription_BlobCreatedUnderIncoming_DeliversToTheBlobExtensionWebhook()
    {
        var subscription = template.Single("Microsoft.EventGrid/systemTopics/eventSubscriptions");
        Assert.Equal(["Microsoft.Storage.BlobCreated"],
            subscription.Find("properties.filter.includedEventTypes")!.AsArray().Select(t => (string)t!));
        Assert.Equal("/blobServices/default/containers/incoming/", subscription.Text("properties.filter.subjectBeginsWith"));
        Assert.Equal("WebHook", subscription.Text("properties.destination.endpointType"));
        var endpoint = subscription.Text("properties.destination.properties.endpointUrl")!;
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.{1}&code={2}", endpoint);
        Assert.Contains("systemKeys.blobs_extension", endpoint);
        Assert.Contains("/host/default", endpoint);
        Assert.Equal("StorageBlob", subscription.Text("properties.deadLetterWithResourceIdentity.deadLetterDestination.endpointType"));
    }

    [Fact]
    public void Subscription_InMain_IsOptInAndNamesTheIngestFunction()
    {
        var module = template.Module("blob-created-subscription");
        Assert.Equal("[parameters('deployBlobCreatedSubscription')]", module.Condition);
        Assert.False(template.Parameters["deployBlobCreatedSubscription"]!["defaultValue"]!.GetValue<bool>());
        Assert.Equal("[parameters('ingestFunctionName')]", module.Find("properties.parameters.ingestFunctionName.value")!.ToString());
        Assert.Equal("IngestIncomingBlob", template.Parameters["ingestFunctionName"]!["defaultValue"]!.ToString());
    }

    [Fact]
    public void PostdeployHook_DeploysTheSameSubscriptionModule()
    {
        var hook = File.ReadAllText(Path.Combine(RepositoryPaths.HooksFolder, "postdeploy.sh"));
        Assert.Contains("infra/bicep/modules/events/blobCreatedSubscription.bicep", hook);
        Assert.Contains("az deployment group create", hook);
    }
}
