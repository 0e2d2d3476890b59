using System.Net;
using System.Net.Sockets;

namespace Workbench.TestSupport;

/// <summary>
/// An HTTP server on 127.0.0.1 serving byte arrays by path, honouring Range requests unless told not to, and able to
/// drop the connection part-way through a response: enough to test downloads, resumption and failures for real.
/// </summary>
public sealed class LoopbackFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public LoopbackFileServer()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    /// <summary>The server's root URL, ending in a slash.</summary>
    public string BaseUrl { get; }

    /// <summary>Answer Range requests with 206 (true) or ignore them and send everything with 200 (false).</summary>
    public bool SupportsRanges { get; set; } = true;

    /// <summary>When set, the next response stops after this many body bytes and the connection is cut.</summary>
    public long? DropAfterBytes { get; set; }

    /// <summary>Every request's path and Range header, in order.</summary>
    public List<(string Path, string? Range)> Requests { get; } = [];

    public string Add(string path, byte[] content)
    {
        _files[path] = content;
        return BaseUrl + path;
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            try { await Respond(context); }
            catch (Exception) { /* a dropped connection or a client that went away */ }
        }
    }

    private async Task Respond(HttpListenerContext context)
    {
        string path = context.Request.Url!.AbsolutePath.TrimStart('/');
        string? range = context.Request.Headers["Range"];
        lock (Requests) Requests.Add((path, range));
        var response = context.Response;
        if (!_files.TryGetValue(path, out var content))
        {
            response.StatusCode = 404;
            response.Close();
            return;
        }
        long start = 0;
        if (SupportsRanges && range is not null && range.StartsWith("bytes=") && long.TryParse(range[6..].TrimEnd('-'), out long from))
        {
            if (from >= content.Length)
            {
                response.StatusCode = 416;
                response.Close();
                return;
            }
            start = from;
            response.StatusCode = 206;
            response.AddHeader("Content-Range", $"bytes {start}-{content.Length - 1}/{content.Length}");
        }
        long length = content.Length - start;
        response.ContentLength64 = length;
        long send = DropAfterBytes is { } drop ? Math.Min(drop, length) : length;
        DropAfterBytes = null;
        await response.OutputStream.WriteAsync(content.AsMemory((int)start, (int)send));
        if (send < length)
        {
            response.Abort(); // cut the connection mid-body
            return;
        }
        response.Close();
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }
}
