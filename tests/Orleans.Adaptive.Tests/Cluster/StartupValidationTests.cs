using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Orleans.Adaptive.Tests.Cluster;

public sealed class StartupValidationTests
{
    [Fact]
    public async Task ASiloWithAnInvalidOption_RefusesToStart_NamingTheOption()
    {
        var exception = await DeployExpectingFailureAsync(silo =>
        {
            silo.AddMemoryGrainStorage(AdaptiveStorage.ProviderName);
            silo.AddAdaptiveRuntime(options => options.NodeMonitor.SampleInterval = TimeSpan.FromSeconds(-1));
        });

        var validation = Find<OptionsValidationException>(exception);
        Assert.Contains("Adaptive:Runtime:NodeMonitor:SampleInterval", validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASiloWithoutTheAdaptiveStorage_RefusesToStart_SayingWhatToAdd()
    {
        var exception = await DeployExpectingFailureAsync(silo => silo.AddAdaptiveRuntime());
        var configuration = Find<OrleansConfigurationException>(exception);
        Assert.Contains("AddMemoryGrainStorage(\"adaptive\")", configuration.Message, StringComparison.Ordinal);
    }

    private static async Task<Exception> DeployExpectingFailureAsync(Action<ISiloBuilder> configure)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => configure(silo));
        var cluster = builder.Build();
        try
        {
            var exception = await Record.ExceptionAsync(() => cluster.DeployAsync());
            Assert.NotNull(exception);
            return exception;
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private static T Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Select(e => e as T ?? e.InnerException as T).FirstOrDefault(e => e is not null) is { } inner)
            {
                return inner;
            }
        }

        Assert.Fail($"Expected a {typeof(T).Name} in {exception}");
        return null!;
    }
}
